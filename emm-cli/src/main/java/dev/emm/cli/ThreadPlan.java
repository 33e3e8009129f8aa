package dev.emm.cli;

import java.util.OptionalInt;

/**
 * How each compute service of the local pipeline uses the cores: libtorch intra-op threads
 * ({@code EMM_TORCH_THREADS}) per process, and for the trainers how many shards a training step's
 * batch is split into ({@code EMM_TRAIN_SHARDS}, each shard on its own thread; emm-djl's
 * {@code ShardedGradients}). The cores are divided between the processes that compute at once, the
 * trainers and the sampler ({@code cores / (trainers + 1)} threads each, at least one); the metric
 * runs for a fraction of a second after each sample set and takes the same share; the orchestrator
 * runs no libtorch. A trainer whose share is two threads or more splits its step into two shards
 * and runs each on half its share. In a cluster the chart gives each pod its CPU request instead
 * (docs/DEPLOY.md).
 *
 * <p>Why, measured on 2 cores with the default preset's network (docs/BENCHMARKS.md, "Thread plan"
 * and "Two shards of one thread"): a libtorch pool parks and wakes its threads around each of the
 * step's thousands of small parallel regions (about 3,900 futex calls per step with 2 threads, 20
 * with 1), so one thread trains faster than two even alone (7.3 against 6.5 steps/s at batch 64),
 * while two shards of one thread meet once per step and train 1.7 times as fast as two threads.
 * But on 2 cores the trainer's share is one: two shards beside the sampler's bursts made the
 * default `./emm run` slower (|D| = 128 in 290 s against 254 with one thread), so there it keeps
 * one shard.
 */
public record ThreadPlan(int trainer, int trainerShards, int sampler, int metric) {

    public ThreadPlan {
        if (trainer < 1 || sampler < 1 || metric < 1) {
            throw new IllegalArgumentException("every service needs at least one thread: " + trainer + ", " + sampler
                    + ", " + metric);
        }
        if (trainerShards < 1 || trainerShards > 2) {
            throw new IllegalArgumentException("a trainer splits its step into 1 or 2 shards, not " + trainerShards);
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
        int shards = share >= 2 ? 2 : 1;
        return new ThreadPlan(share / shards, shards, share, share);
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

    /** The service's {@code EMM_TRAIN_SHARDS}; empty for every service but the trainer. */
    public OptionalInt shardsFor(String service) {
        return "trainer-service".equals(service) ? OptionalInt.of(trainerShards) : OptionalInt.empty();
    }
}
