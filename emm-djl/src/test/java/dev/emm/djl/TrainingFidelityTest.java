package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.emm.core.data.ImageSet;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DataOrder;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmaMode;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.TrainingSpec;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The training loop does what the paper's {@code training/training_loop.py} does: the learning rate
 * and EMA beta it applies at each step are the paper's ({@code train.py}'s |D|-derived warm-up,
 * half-life and data ratio; the four EMA modes), gradients are sanitised with nan_to_num before the
 * optimizer step, and the fixed data order repeats the first epoch's order.
 */
class TrainingFidelityTest {

    /** training_loop.py's learning rate with train.py's lr_rampup_kimg = int(image_num / 5), --lr=2e-4. */
    private static double paperLearningRate(int imageNum, long curNimg) {
        long lrRampupKimg = (long) (imageNum / 5.0);
        return 2e-4 * Math.min(curNimg / Math.max(lrRampupKimg * 1000, 1e-8), 1);
    }

    /** training_loop.py's EMA beta with train.py's ema_halflife_kimg = int(0.5 * image_num / 50). */
    private static double paperEmaBeta(int imageNum, int batchSize, EmaMode emaMode, double finalEma, long curNimg) {
        long emaHalflifeKimg = (long) (0.5 * imageNum / 50);
        double dataRatio = 50000.0 / imageNum;
        double emaHalflifeNimg = Math.min(emaHalflifeKimg * 1000, curNimg * 0.05);
        double emaConstant = Math.pow(0.5, batchSize / 500.0 / 1000);
        return switch (emaMode) {
            case MODE1 -> Math.pow(0.5, batchSize / Math.max(emaHalflifeNimg, 1e-8));
            case MODE2 -> Math.pow(0.5, 512 / Math.max(emaHalflifeNimg, 1e-8) / dataRatio);
            case MODE3 -> emaConstant;
            case MODE4 -> finalEma / emaConstant
                    * Math.pow(0.5, batchSize / Math.max(emaHalflifeNimg, 1e-8) / dataRatio);
        };
    }

    /** The paper preset's training procedure, cut to {@code steps} steps. */
    private static TrainingSpec paperTraining(int batch, EmaMode emaMode, double finalEma, long steps) {
        String json = "{\"preset\":\"paper-ddpmpp-vp\",\"training\":{\"batchSize\":" + batch + ",\"emaMode\":\""
                + emaMode + "\",\"finalEma\":" + finalEma + ",\"durationUnit\":\"steps\",\"duration\":" + steps + "}}";
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class))
                .training();
    }

    /** A one-level, 8-channel network: the schedule does not depend on the network, and 45 steps of 512 stay cheap. */
    private static final ModelSpec MICRO = new ModelSpec(ModelKind.DDPMPP, 8, List.of(1), 1, List.of(), 0.0, EmbeddingType.POSITIONAL, null);

    private static ImageSet randomImages(int count, long seed) {
        byte[] pixels = new byte[count * 4 * 4];
        new Random(seed).nextBytes(pixels);
        return new ImageSet(1, 4, 4, 1, new int[count], pixels);
    }

    private static List<RunProgress> train(TrainingSpec spec, ImageSet images, AtomicReference<byte[]> lastSnapshot) {
        List<RunProgress> progress = new ArrayList<>();
        try (TrainingRun run = new TrainingRun(MICRO, spec, images, null, 0, null,
                new TrainingRun.Options(Device.cpu(), 0))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    progress.add(p);
                    assertEquals(run.schedule().learningRate(p.images() - run.schedule().batchSize()),
                            p.learningRate());
                }

                @Override
                public void snapshot(int index, byte[] modelBytes) {
                    if (lastSnapshot != null) {
                        lastSnapshot.set(modelBytes);
                    }
                }
            });
        }
        return progress;
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
    }

    @Test
    void theLoopAppliesThePapersLearningRateAndEmaBetaAtEveryStep() {
        record Case(int size, int batch, EmaMode mode, double finalEma, long steps) {
        }
        // |D| 100 at batch 512: the 20-kimg warm-up and the EMA ramp (1 kimg / 0.05) both end inside 45 steps
        List<Case> cases = List.of(new Case(100, 512, EmaMode.MODE2, 0.99929, 45), new Case(100, 128, EmaMode.MODE4, 0.9, 6),
                new Case(1000, 128, EmaMode.MODE1, 0.99929, 4), new Case(1000, 512, EmaMode.MODE3, 0.99929, 3),
                new Case(50_000, 512, EmaMode.MODE2, 0.99929, 3));
        for (Case c : cases) {
            List<RunProgress> progress = train(paperTraining(c.batch(), c.mode(), c.finalEma(), c.steps()),
                    randomImages(c.size(), c.size()), null);
            assertEquals(c.steps(), progress.size());
            for (RunProgress p : progress) {
                long curNimg = (p.step() - 1) * c.batch();
                String at = c + " step " + p.step();
                assertRelative(paperLearningRate(c.size(), curNimg), p.learningRate(), "lr, " + at);
                assertRelative(paperEmaBeta(c.size(), c.batch(), c.mode(), c.finalEma(), curNimg), p.emaBeta(),
                        "beta, " + at);
            }
            if (c.steps() == 45) {
                assertTrue(progress.get(20).learningRate() < 2e-4);
                assertEquals(2e-4, progress.get(44).learningRate());
                assertRelative(Math.pow(0.5, 512 / 1000.0 / 50.0 / 10.0), progress.get(44).emaBeta(), "steady beta");
            }
        }
    }

    /** Every float32 of a snapshot. */
    private static float[] weights(byte[] snapshot) {
        BinaryFormat.Reader reader = new BinaryFormat.Reader(snapshot, ModelSnapshot.MAGIC, ModelSnapshot.VERSION,
                "snapshot");
        SnapshotHeader header = reader.header(SnapshotHeader.class);
        List<Float> values = new ArrayList<>();
        for (TensorRecord record : header.tensors()) {
            FloatBuffer floats = reader.tensor(record.size()).asFloatBuffer();
            while (floats.hasRemaining()) {
                values.add(floats.get());
            }
        }
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    @Test
    void aDivergingRunsNonFiniteGradientsLeaveTheWeightsFinite() {
        // lr 1e30 blows the activations up after one step: the loss and its gradients turn NaN or infinite
        TrainingSpec diverging = new TrainingSpec(PreconditioningType.EDM, 1e30, 0L, 8, null, null, null, 0.0, null, 0.0, 3L, DurationUnit.STEPS,
                4L, null, null);
        AtomicReference<byte[]> snapshot = new AtomicReference<>();
        List<RunProgress> progress = train(diverging, Mnist.first(10, 4), snapshot);
        assertTrue(progress.stream().anyMatch(p -> !Double.isFinite(p.loss())),
                "the loss never became non-finite: " + progress);
        assertNotNull(snapshot.get());
        float[] w = weights(snapshot.get());
        for (int i = 0; i < w.length; i++) {
            assertTrue(Float.isFinite(w[i]), "weight " + i + " is " + w[i]);
        }
    }

    @Test
    void anInjectedNanOrInfinityInAGradientBecomesZeroOrPlusMinusOneHundredThousand() {
        float[] gradient = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3f, -2e6f};
        float[] sanitised = {0f, 1e5f, -1e5f, 3f, -2e6f};
        DjlRuntime.engine();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            // one Adam step from w = 1 with lr 0.1; torch.optim.Adam's first step moves each weight by
            // lr * g / (|g| + eps) and leaves the first moment at (1 - beta1) g, so a sanitised NaN leaves its
            // weight at 1 and the moment shows the value each component was replaced by
            NDArray w = manager.ones(new ai.djl.ndarray.types.Shape(gradient.length));
            NDArray m = manager.zeros(w.getShape());
            NDArray v = manager.zeros(w.getShape());
            try (ForeachOptimizer adam = new ForeachOptimizer(Device.cpu(), List.of(w), List.of(m), List.of(v), null);
                 NDArray grad = manager.create(gradient.clone())) {
                adam.adam(List.of(grad), 0.1, 0.9, 0.999, 1e-8, 0.0, 1);
            }
            float[] moment = m.toFloatArray();
            for (int i = 0; i < moment.length; i++) {
                assertEquals(0.1 * sanitised[i], moment[i], 1e-6 * Math.max(1, Math.abs(sanitised[i])),
                        "first moment " + i + " after gradient " + gradient[i]);
            }
            float[] after = w.toFloatArray();
            for (int i = 0; i < after.length; i++) {
                double g0 = sanitised[i];
                double expected = 1 - 0.1 * g0 / (Math.abs(g0) + 1e-8);
                assertEquals(expected, after[i], 1e-6, "weight " + i + " after gradient " + gradient[i]);
            }
        }
    }

    @Test
    void aFixedDataOrderRepeatsTheFirstEpochsPermutation() {
        ImageSet images = Mnist.first(10, 8);
        for (DataOrder order : DataOrder.values()) {
            TrainingSpec spec = new TrainingSpec(PreconditioningType.EDM, 1e-3, 0L, 4, null, null, null, 0.0, null, 0.0, 3L, DurationUnit.STEPS,
                    3L, null, null, null, null, null, null, null, null, order);
            try (TrainingRun run = new TrainingRun(MICRO, spec, images, null, 0, null,
                    new TrainingRun.Options(Device.cpu(), 0))) {
                long[] first = run.batchIndices(0, 10);
                long[] second = run.batchIndices(10, 10);
                long[] third = run.batchIndices(20, 10);
                long[] sorted = first.clone();
                Arrays.sort(sorted);
                assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
                assertFalse(Arrays.equals(sorted, first), "the first epoch is not shuffled");
                if (order == DataOrder.FIXED) {
                    assertArrayEquals(first, second);
                    assertArrayEquals(first, third);
                    // batches run across the epoch boundary in that one order, as InfiniteSampler's idx % size
                    long[] straddling = run.batchIndices(8, 4);
                    assertArrayEquals(new long[] {first[8], first[9], first[0], first[1]}, straddling);
                } else {
                    assertFalse(Arrays.equals(first, second) && Arrays.equals(second, third));
                }
            }
        }
    }
}
