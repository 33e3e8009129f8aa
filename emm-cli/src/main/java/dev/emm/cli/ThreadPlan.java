package dev.emm.cli;

import java.util.OptionalInt;

/**
 * How many libtorch intra-op threads ({@code EMM_TORCH_THREADS}) each compute service of the local
 * pipeline gets: the machine's cores are shared out between the processes that compute at the same
 * time, the trainers and the sampler, so that their threads together never outnumber the cores.
 * A libtorch thread pool with more threads than it has cores parks and wakes its threads around
 * every parallel region, and a region waits for its slowest, descheduled, thread
 * (docs/BENCHMARKS.md, "Thread plan", measured on 2 cores: a second thread per service costs
 * thousands of futex calls and context switches per training step).
 *
 * <p>The sampler gets an equal share, {@code cores / (trainers + 1)}, the trainers split what is left;
 * every service gets at least one thread. The metric runs after each sample set, for a fraction of a
 * second at the default sizes, and takes the sampler's share. The orchestrator runs no libtorch.
 * In a cluster the chart gives each pod its CPU request instead (docs/DEPLOY.md), by the same rule:
 * the cores a pod is guaranteed while its neighbours compute too.
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
        int trainer = Math.max(1, (cores - sampler) / trainers);
        return new ThreadPlan(trainer, sampler, sampler);
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
