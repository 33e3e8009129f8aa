package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.emm.core.data.ImageSet;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.djl.nn.SongUNet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A step split into two shards computes the whole batch's loss and gradient (to float rounding), and
 * a two-shard run repeats itself bit for bit, so checkpoints resume it exactly.
 */
class ShardedGradientsTest {

    private static final int BATCH = 7;
    private static final int RESOLUTION = 8;
    private static final int CLASSES = 10;

    private static ModelSpec conditionalModel() {
        return new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2), 1, List.of(4), 0.0, EmbeddingType.POSITIONAL, null);
    }

    @Test
    void twoShardsGiveTheWholeBatchsLossAndGradient() {
        DjlRuntime.engine();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
             GradModeOff noGrad = new GradModeOff()) {
            SongUNet net = Networks.build(conditionalModel(), 1, RESOLUTION, CLASSES);
            net.initialize(manager, DataType.FLOAT32, 3);
            DiffusionModel diffusion = new DiffusionModel(net, Preconditioning.of(PreconditioningType.VP));
            Step one = step(diffusion, manager, 1);
            Step two = step(diffusion, manager, 2);
            assertEquals(one.loss, two.loss, 1e-6 * one.loss, "the batch's loss");
            assertTrue(one.loss > 0);
            assertEquals(one.gradients.size(), two.gradients.size());
            double largest = 0;
            for (float[] g : one.gradients) {
                for (float v : g) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
            assertTrue(largest > 1e-3, "the gradient is not trivially zero: " + largest);
            for (int p = 0; p < one.gradients.size(); p++) {
                float[] a = one.gradients.get(p);
                float[] b = two.gradients.get(p);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(a[i], b[i], 2e-5 * largest, "parameter " + p + ", component " + i);
                }
            }
        }
    }

    private record Step(double loss, List<float[]> gradients) {
    }

    /** One step's loss and gradients with the given shards, from the same seed and batch; gradients zeroed after. */
    private static Step step(DiffusionModel diffusion, NDManager manager, int shards) {
        SplittableRandom random = new SplittableRandom(11);
        float[] pixels = new float[BATCH * RESOLUTION * RESOLUTION];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (random.nextDouble() * 2 - 1);
        }
        long[] labels = new long[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        try (ShardedGradients gradients = new ShardedGradients(diffusion, shards);
             NDManager stepManager = manager.newSubManager()) {
            JniUtils.setSeed(5);
            NDArray y = stepManager.create(pixels, new Shape(BATCH, 1, RESOLUTION, RESOLUTION));
            double loss = gradients.lossAndGradients(stepManager, y, stepManager.create(labels)).getFloat();
            List<float[]> grads = new ArrayList<>();
            for (Pair<String, Parameter> p : diffusion.net().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    try (NDArray g = p.getValue().getArray().getGradient()) {
                        grads.add(g.toFloatArray());
                        g.subi(g);
                    }
                }
            }
            return new Step(loss, grads);
        }
    }

    @Test
    void aTwoShardRunRepeatsItselfExactlyAndFollowsTheOneShardRun() {
        ImageSet images = Mnist.first(20, RESOLUTION);
        Run first = train(images, 2);
        Run again = train(images, 2);
        assertArrayEquals(first.snapshot, again.snapshot, "two runs of two shards: the same weights, bit for bit");
        assertEquals(first.losses, again.losses);
        Run single = train(images, 1);
        assertNotEquals(List.of(), single.losses);
        for (int i = 0; i < single.losses.size(); i++) {
            double expected = single.losses.get(i);
            assertEquals(expected, first.losses.get(i), 1e-3 * expected, "loss at step " + (i + 1));
        }
        assertTrue(single.losses.get(single.losses.size() - 1) < single.losses.get(0),
                "the runs learn: " + single.losses);
    }

    private record Run(List<Double> losses, byte[] snapshot) {
    }

    private static Run train(ImageSet images, int shards) {
        List<Double> losses = new ArrayList<>();
        byte[][] last = new byte[1][];
        try (TrainingRun run = new TrainingRun(conditionalModel(), TrainingRunResumeTest.spec(12, null, null), images,
                images.labels(), CLASSES, null, new TrainingRun.Options(Device.cpu(), 0, shards))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    losses.add(p.loss());
                }

                @Override
                public void snapshot(int index, byte[] modelBytes) {
                    last[0] = modelBytes;
                }
            });
        }
        assertEquals(12, losses.size());
        return new Run(losses, last[0]);
    }

    @Test
    void aShardedTrainerKeepsGlibcsArenaLimitAndTheThresholds() {
        assertEquals("1", GlibcMallocEnvironment.variables().get("MALLOC_ARENA_MAX"));
        assertEquals("1", GlibcMallocEnvironment.variables(1).get("MALLOC_ARENA_MAX"));
        assertFalse(GlibcMallocEnvironment.variables(2).containsKey("MALLOC_ARENA_MAX"));
        assertEquals(GlibcMallocEnvironment.variables().get("MALLOC_TRIM_THRESHOLD_"),
                GlibcMallocEnvironment.variables(2).get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals(GlibcMallocEnvironment.variables().get("MALLOC_MMAP_THRESHOLD_"),
                GlibcMallocEnvironment.variables(2).get("MALLOC_MMAP_THRESHOLD_"));
        assertThrows(IllegalArgumentException.class, () -> GlibcMallocEnvironment.variables(0));
    }

    @Test
    void oneShardWhereTwoCannotHelpOrWouldNotRepeat() {
        assertEquals(2, ShardedGradients.effective(2, false, 0.0));
        assertEquals(1, ShardedGradients.effective(2, true, 0.0), "a GPU");
        assertEquals(1, ShardedGradients.effective(2, false, 0.1), "dropout");
        assertEquals(1, ShardedGradients.effective(1, false, 0.0));
        IllegalArgumentException three = assertThrows(IllegalArgumentException.class,
                () -> ShardedGradients.effective(3, false, 0.0));
        assertEquals("training shards must be 1 to 2, got 3", three.getMessage());
    }
}
