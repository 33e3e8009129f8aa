package dev.emm.cli;

import java.util.OptionalInt;

/**
 * How many libtorch intra-op threads ({@code EMM_TORCH_THREADS}) each compute service of the local
 * pipeline gets. The trainers share all the cores ({@code cores / trainers}): training runs the whole
 * time and is the pipeline's critical path. The sampler computes in bursts, one per snapshot, while a
 * trainer trains; it gets the share it would have if the cores were divided between the trainers and
 * itself ({@code cores / (trainers + 1)}), on 2 cores one thread. A libtorch pool parks and wakes its
 * threads around every parallel region and waits for descheduled ones, so the sampler's second
 * thread only fought the trainer's (docs/BENCHMARKS.md, "Thread plan": with the sampler on one
 * thread instead of two its futex calls per sample fell from 387 to 16, its context switches from
 * 274 to 26, and the trainer's system time per step by 30 %). The metric runs for a fraction of a
 * second after each sample set and takes the sampler's share; the orchestrator runs no libtorch.
 * Every service gets at least one thread. In a cluster the chart gives each pod its CPU request
 * instead (docs/DEPLOY.md).
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
        int sampler = Math.max(1, cores / (trainers + 1));
        return new ThreadPlan(Math.max(1, cores / trainers), sampler, sampler);
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
