package dev.emm.cli;

import java.util.OptionalInt;

/**
 * How each compute service of the local pipeline uses the cores: libtorch intra-op threads
 * ({@code EMM_TORCH_THREADS}) per process, for the trainers how many shards a training step's batch
 * is split into ({@code EMM_TRAIN_SHARDS}, each shard on its own thread; emm-djl's
 * {@code ShardedGradients}), and the trainers' scheduling priority. The sampler and the metric get
 * {@code cores / (trainers + 1)} threads each (at least one) and run at normal priority; the
 * orchestrator runs no libtorch. The trainers run at a lower priority ({@link #TRAINER_NICENESS})
 * and share all the cores between them: a trainer whose share is two cores or more splits its step
 * into two shards, each on {@code sampler / 2} threads (at least one). In a cluster the chart gives
 * each pod its CPU request instead (docs/DEPLOY.md).
 *
 * <p>Why, measured on 2 cores with the default preset's network (docs/BENCHMARKS.md, "Thread plan",
 * "Two shards of one thread" and "A trainer that yields"): a libtorch pool parks and wakes its
 * threads around each of the step's thousands of small parallel regions (about 3,900 futex calls per
 * step with 2 threads, 20 with 1), so one thread trains faster than two even alone, while two shards
 * of one thread meet once per step. The sampler computes in bursts, one per snapshot; two shards at
 * its priority (and, as found later, on one malloc arena) trained |D| = 128 in 290 s against 254
 * with one shard. Yielding to it, the trainer gets both cores between bursts and shares one during them:
 * |D| = 128 trained in 219 s, and the default `./emm run` took 0.58 of the baseline's wall time.
 * Where the sampler is busy throughout (ratios near 0.9 need every sample) or the network is tiny
 * (8 channels) one shard would be faster.
 */
public record ThreadPlan(int trainer, int trainerShards, int sampler, int metric) {

    /**
     * The trainers' {@code nice} value: at 10 the scheduler gives a busy sampler or metric thread
     * about nine times a trainer thread's time on a shared core (weights 1024 against 110).
     */
    public static final int TRAINER_NICENESS = 10;

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
        int trainerCores = Math.max(1, cores / trainers);
        int shards = trainerCores >= 2 ? 2 : 1;
        return new ThreadPlan(Math.max(1, share / shards), shards, share, share);
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

    /** The {@code nice} value the service runs at; empty for those at normal priority. */
    public OptionalInt nicenessFor(String service) {
        return "trainer-service".equals(service) ? OptionalInt.of(TRAINER_NICENESS) : OptionalInt.empty();
    }

    /** The service's {@code EMM_TRAIN_SHARDS}; empty for every service but the trainer. */
    public OptionalInt shardsFor(String service) {
        return "trainer-service".equals(service) ? OptionalInt.of(trainerShards) : OptionalInt.empty();
    }
}
