package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * One training step's loss and its gradient, with the batch split into shards that run through the
 * network's forward and backward on their own threads at the same time: data parallelism inside
 * one process. Why: at the small presets' widths a layer is too small for libtorch's intra-op
 * threads to pay for waking each other around every op (docs/BENCHMARKS.md, "Thread plan"), while
 * two shards on one intra-op thread each keep two cores busy for the whole step and meet once, at
 * its end.
 *
 * <p>Exactness: the loss is a sum over samples divided by the whole batch, and every layer acts on
 * each sample alone (group norm, no batch statistics), so the shards' gradients add up to the
 * batch's. The noise is drawn for the whole batch before the split, so the engine's random stream is
 * the one a single shard draws; a two-shard step differs from a one-shard step only by float
 * rounding. Each shard's backward adds into the parameters' gradients (under autograd's lock), which
 * the optimiser zeroes after every step: with two shards the result is {@code 0 + a + b} whichever
 * finishes first, so a run repeats itself exactly. A third shard would make the order of the sums
 * matter, which is why two is the most.
 *
 * <p>Every shard's thread runs with the process's libtorch settings, the OpenMP team size and the
 * TorchScript setting ({@link DjlRuntime#applyThreadSettings()}; {@link TrainingRun#run} applies them
 * to the caller's thread). Without them the second shard ran its ops with a team of every core, and
 * a resumed run rounded differently from the one it resumes (a loss 1e-7 off two steps after the
 * resume).
 *
 * <p>Dropout draws from the engine's generator inside the forward, in an order two threads would
 * make random, so a network with dropout trains in one shard; so does a GPU, whose ops are already
 * asynchronous.
 */
final class ShardedGradients implements AutoCloseable {

    /** The most shards a step is split into (see the class comment for why). */
    static final int MAX_SHARDS = 2;

    /** The environment variable that asks for shards; unset means one. */
    static final String SHARDS_ENV = "EMM_TRAIN_SHARDS";

    private final DiffusionModel diffusion;
    private final int shards;
    private final ExecutorService workers;

    /**
     * @param shards how many parts a batch is split into, 1 or 2 (a batch smaller than that is not
     *               split further)
     */
    ShardedGradients(DiffusionModel diffusion, int shards) {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalArgumentException("training shards must be 1 to " + MAX_SHARDS + ", got " + shards);
        }
        this.diffusion = diffusion;
        this.shards = shards;
        this.workers = shards == 1 ? null : Executors.newFixedThreadPool(shards - 1, task -> {
            Thread thread = new Thread(() -> {
                DjlRuntime.applyThreadSettings();
                task.run();
            }, "emm-training-shard");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The shards a run on this device with this dropout uses: {@code requested}, or what
     * {@code EMM_TRAIN_SHARDS} asks when it is 0 (one when unset), except one where sharding cannot
     * help or would not repeat itself (a GPU, dropout).
     */
    static int effective(int requested, boolean gpu, double dropout) {
        int wanted = requested;
        if (wanted == 0) {
            String env = System.getenv(SHARDS_ENV);
            try {
                wanted = env == null || env.isBlank() ? 1 : Integer.parseInt(env.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SHARDS_ENV + " must be 1 or 2, got '" + env + "'", e);
            }
        }
        if (wanted < 1 || wanted > MAX_SHARDS) {
            throw new IllegalArgumentException("training shards must be 1 to " + MAX_SHARDS + ", got " + wanted
                    + (requested == 0 ? " (" + SHARDS_ENV + ")" : ""));
        }
        return gpu || dropout > 0 ? 1 : wanted;
    }

    /**
     * Draws the batch's noise, computes {@code sum(lambda (D - y)^2) / N} shard by shard and
     * back-propagates each shard's part into the parameters' gradients. Returns the batch's loss
     * (without a graph); every array made here belongs to {@code stepManager}.
     *
     * @param labels the batch's class labels [N], or null
     */
    NDArray lossAndGradients(NDManager stepManager, NDArray y, NDArray labels) {
        int n = (int) y.getShape().get(0);
        DiffusionModel.Noise noise = diffusion.drawNoise(stepManager, y.getShape());
        int parts = Math.min(shards, n);
        if (parts == 1) {
            return backward(stepManager, y, noise, labels, n);
        }
        long[] cuts = new long[parts - 1];
        for (int k = 1; k < parts; k++) {
            cuts[k - 1] = (long) k * n / parts;
        }
        NDList ys = y.split(cuts);
        NDList sigmas = noise.sigma().split(cuts);
        NDList noises = noise.noise().split(cuts);
        NDList labelParts = labels == null ? null : labels.split(cuts);
        IntFunction<NDArray> shard = k -> backward(stepManager, ys.get(k),
                new DiffusionModel.Noise(sigmas.get(k), noises.get(k)), labelParts == null ? null : labelParts.get(k), n);
        List<Future<NDArray>> others = new ArrayList<>(parts - 1);
        for (int k = 1; k < parts; k++) {
            int part = k;
            others.add(workers.submit(() -> shard.apply(part)));
        }
        NDArray loss = null;
        try {
            loss = shard.apply(0);
        } finally {
            // every shard finishes before the step's arrays can be freed, also when this one failed
            for (NDArray otherLoss : joinAll(others)) {
                if (loss != null) {
                    loss.addi(otherLoss);
                }
                otherLoss.close();
            }
        }
        return loss;
    }

    /** One shard's loss (divided by the whole batch) and its backward, with grad mode on this thread. */
    private NDArray backward(NDManager stepManager, NDArray y, DiffusionModel.Noise noise, NDArray labels,
                             int batch) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray loss = diffusion.loss(new ParameterStore(stepManager, false), y, noise, labels, batch, true);
            try (NDArray seed = loss.onesLike()) {
                JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
            }
            NDArray value = loss.stopGradient();
            loss.close();
            return value;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Waits for every shard; rethrows the first failure once all have ended. */
    private static List<NDArray> joinAll(List<Future<NDArray>> shards) {
        List<NDArray> losses = new ArrayList<>(shards.size());
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<NDArray> shard : shards) {
            while (true) {
                try {
                    losses.add(shard.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException("a training shard failed", e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            losses.forEach(NDArray::close);
            throw failure;
        }
        return losses;
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
