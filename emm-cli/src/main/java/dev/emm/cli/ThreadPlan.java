package dev.emm.cli;

import java.util.OptionalInt;

/**
 * How many libtorch intra-op threads ({@code EMM_TORCH_THREADS}) each compute service of the local
 * pipeline gets: the cores divided between the processes that compute at once, the trainers and the
 * sampler ({@code cores / (trainers + 1)}, at least one each; on 2 cores one thread each). The metric
 * runs for a fraction of a second after each sample set and takes the same share; the orchestrator
 * runs no libtorch. In a cluster the chart gives each pod its CPU request instead (docs/DEPLOY.md).
 *
 * <p>Why the trainer gets no more than the sampler, measured on 2 cores with the default preset's
 * network (docs/BENCHMARKS.md, "Thread plan"): a libtorch pool parks and wakes its threads around
 * each of the step's thousands of small parallel regions (about 3,900 futex calls per step with 2
 * threads, 20 with 1), so one thread trains faster than two even alone (7.3 against 6.5 steps/s at
 * batch 64, 24.6 against 13.6 at batch 16); and while the sampler samples, a second trainer thread
 * has no core to run on and stalls every region (2.7 steps/s against 6.3 with one).
 */
public record ThreadPlan(int trainer, int sampler, int metric) {

    public ThreadPlan {
        if (trainer < 1 || sampler < 1 || metric < 1) {
            throw new IllegalArgumentException("every service needs at least one thread: " + trainer + ", " + sampler
                    + ", " + metric);
        }
    }

    /**
     * @param cores the processors this machine gives the pipeline
     * @param trainers how many trainer processes run (each may train at the same time as the sampler samples)
     */
    public static ThreadPlan forMachine(int cores, int trainers) {
        if (cores < 1 || trainers < 1) {
            throw new IllegalArgumentException("cores and trainers must be positive, not " + cores + ", " + trainers);
        }
        int share = Math.max(1, cores / (trainers + 1));
        return new ThreadPlan(share, share, share);
    }

    /** The plan for the processors the JVM may use here. */
    public static ThreadPlan forThisMachine(int trainers) {
        return forMachine(Runtime.getRuntime().availableProcessors(), trainers);
    }

    /** The service's {@code EMM_TORCH_THREADS}; empty for the orchestrator, which runs no libtorch. */
    public OptionalInt threadsFor(String service) {
        return switch (service) {
            case "trainer-service" -> OptionalInt.of(trainer);
            case "sampler-service" -> OptionalInt.of(sampler);
            case "metric-service" -> OptionalInt.of(metric);
            default -> OptionalInt.empty();
        };
    }
}
