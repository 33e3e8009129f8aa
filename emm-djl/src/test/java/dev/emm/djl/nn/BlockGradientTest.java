package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.emm.djl.DjlRuntime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks (float64) for every block with parameters. */
class BlockGradientTest {

    private static final int[] BOX = {1, 1};
    private static final int[] NCSN = {1, 3, 3, 1};

    @Test
    void linearGradientsMatchFiniteDifferences() {
        Linear block = new Linear(5, 3, true, InitSpec.XAVIER);
        Shape shape = new Shape(4, 5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(block, m, 1, shape);
            GradCheck.check(m, block, List.of(new Pair<>(GradCheck.randomValues(20, 2), shape)),
                    (s, in) -> block.apply(new ParameterStore(s, false), in.get(0), true), 20, 1e-6);
        }
    }

    @Test
    void convolutionGradientsMatchFiniteDifferencesPlainUpDownAndFused() {
        Shape shape = new Shape(2, 3, 4, 4);
        List<Conv2d> blocks = List.of(
                new Conv2d(3, 4, 3, InitSpec.XAVIER),
                new Conv2d(3, 4, 1, true, true, false, BOX, false, InitSpec.XAVIER),
                new Conv2d(3, 4, 3, true, false, true, BOX, false, InitSpec.XAVIER),
                new Conv2d(3, 4, 3, true, true, false, NCSN, false, InitSpec.XAVIER),
                new Conv2d(3, 4, 3, true, false, true, NCSN, true, InitSpec.XAVIER),
                new Conv2d(3, 3, 0, true, false, true, NCSN, false, InitSpec.XAVIER));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (Conv2d block : blocks) {
                GradCheck.initialize(block, m, 1, shape);
                GradCheck.check(m, block, List.of(new Pair<>(GradCheck.randomValues(96, 2), shape)),
                        (s, in) -> block.apply(new ParameterStore(s, false), in.get(0), true), 30, 1e-6);
            }
        }
    }

    @Test
    void fusedDownEqualsConvolutionThenFilterAwayFromTheBorder() {
        DjlRuntime.engine();
        // EDM's fused path pads the convolution by w_pad + f_pad and filters with stride 2 and no padding, bias
        // last; the unfused one convolves (bias included) with "same" padding, then filters with padding f_pad.
        // They differ only where the filter reaches the padding: on an 8x8 input, output rows and columns 1..2.
        Conv2d fused = new Conv2d(2, 2, 3, true, false, true, NCSN, true, InitSpec.XAVIER);
        Conv2d plain = new Conv2d(2, 2, 3, InitSpec.XAVIER);
        Shape shape = new Shape(1, 2, 8, 8);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(fused, m, 7, shape);
            GradCheck.initialize(plain, m, 7, shape);
            for (String name : List.of("weight", "bias")) {
                plain.getParameters().get(name).getArray().set(fused.getParameters().get(name).getArray().toDoubleArray());
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.create(GradCheck.randomValues(128, 3), shape);
            NDArray y = fused.apply(ps, x, false);
            assertEquals(new Shape(1, 2, 4, 4), y.getShape());
            NDArray expected = Resample.down(plain.apply(ps, x, false), NCSN);
            double[] interior = y.get(":, :, 1:3, 1:3").toDoubleArray();
            assertArrayEquals(expected.get(":, :, 1:3, 1:3").toDoubleArray(), interior, 1e-12);
            assertTrue(Arrays.stream(interior).anyMatch(v -> Math.abs(v) > 0.1), Arrays.toString(interior));
        }
    }

    @Test
    void attentionGradientsMatchFiniteDifferencesWithOneAndTwoHeads() {
        Attention block = new Attention(8, 1, 1e-6, Math.sqrt(0.5), InitSpec.ATTENTION, InitSpec.NEAR_ZERO);
        Attention twoHeads = new Attention(8, 2, 1e-6, Math.sqrt(0.5), InitSpec.ATTENTION, InitSpec.NEAR_ZERO);
        Shape shape = new Shape(2, 8, 3, 3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (Attention a : List.of(block, twoHeads)) {
                GradCheck.initialize(a, m, 5, shape);
                GradCheck.check(m, a, List.of(new Pair<>(GradCheck.randomValues(144, 6), shape)),
                        (s, in) -> a.apply(new ParameterStore(s, false), in.get(0), true), 30, 1e-6);
            }
        }
    }

    @Test
    void attentionMatchesDirectComputation() {
        DjlRuntime.engine();
        int c = 4;
        int hw = 3;
        Attention a = new Attention(c, 1, 1e-6, Math.sqrt(0.5), InitSpec.ATTENTION, InitSpec.NEAR_ZERO);
        Shape shape = new Shape(1, c, 1, hw);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(a, m, 8, shape);
            double[] x = GradCheck.randomValues(c * hw, 9);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray in = m.create(x, shape);
            double[] y = a.apply(ps, in, false).toDoubleArray();
            // Reference: explicit loops over EDM's definition.
            // DJL names children "01norm2", "02qkv", "03proj".
            GroupNorm norm = (GroupNorm) a.getChildren().valueAt(0);
            double[] h = norm.apply(ps, in, false).toDoubleArray();
            double[] wq = a.getChildren().valueAt(1).getParameters().get("weight").getArray().toDoubleArray();
            double[] bq = a.getChildren().valueAt(1).getParameters().get("bias").getArray().toDoubleArray();
            double[] wp = a.getChildren().valueAt(2).getParameters().get("weight").getArray().toDoubleArray();
            double[] bp = a.getChildren().valueAt(2).getParameters().get("bias").getArray().toDoubleArray();
            double[][] qkv = new double[3 * c][hw];
            for (int o = 0; o < 3 * c; o++) {
                for (int p = 0; p < hw; p++) {
                    double acc = bq[o];
                    for (int i = 0; i < c; i++) {
                        acc += wq[o * c + i] * h[i * hw + p];
                    }
                    qkv[o][p] = acc;
                }
            }
            // channel layout [C][3]: q = channel ch*3, k = ch*3+1, v = ch*3+2
            double[][] w = new double[hw][hw];
            for (int q = 0; q < hw; q++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < hw; k++) {
                    double dot = 0;
                    for (int ch = 0; ch < c; ch++) {
                        dot += qkv[ch * 3][q] * qkv[ch * 3 + 1][k] / Math.sqrt(c);
                    }
                    w[q][k] = dot;
                    max = Math.max(max, dot);
                }
                double z = 0;
                for (int k = 0; k < hw; k++) {
                    w[q][k] = Math.exp(w[q][k] - max);
                    z += w[q][k];
                }
                for (int k = 0; k < hw; k++) {
                    w[q][k] /= z;
                }
            }
            double[] expected = new double[c * hw];
            for (int o = 0; o < c; o++) {
                for (int q = 0; q < hw; q++) {
                    double acc = bp[o];
                    for (int ch = 0; ch < c; ch++) {
                        double att = 0;
                        for (int k = 0; k < hw; k++) {
                            att += w[q][k] * qkv[ch * 3 + 2][k];
                        }
                        acc += wp[o * c + ch] * att;
                    }
                    expected[o * hw + q] = (acc + x[o * hw + q]) * Math.sqrt(0.5);
                }
            }
            assertArrayEquals(expected, y, 1e-12);
        }
    }

    @Test
    void unetBlockGradientsMatchFiniteDifferences() {
        Shape x = new Shape(2, 8, 4, 4);
        Shape emb = new Shape(2, 6);
        List<UNetBlock> blocks = List.of(
                new UNetBlock(8, 8, 6, false, false, false, 0, Math.sqrt(0.5), 1e-6, BOX),
                new UNetBlock(8, 12, 6, false, false, true, 0, Math.sqrt(0.5), 1e-6, BOX),
                new UNetBlock(8, 8, 6, true, false, false, 0, Math.sqrt(0.5), 1e-6, BOX),
                new UNetBlock(8, 8, 6, false, true, false, 0, Math.sqrt(0.5), 1e-6, NCSN));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (UNetBlock b : blocks) {
                GradCheck.initialize(b, m, 2, x, emb);
                GradCheck.check(m, b, List.of(new Pair<>(GradCheck.randomValues(256, 3), x),
                                new Pair<>(GradCheck.randomValues(12, 4), emb)),
                        (s, in) -> b.apply(new ParameterStore(s, false), in.get(0), in.get(1), true), 25, 1e-6);
            }
        }
    }

    @Test
    void embeddingGradientsMatchFiniteDifferences() {
        Shape noise = new Shape(3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (NoiseEmbedding.Kind kind : NoiseEmbedding.Kind.values()) {
                NoiseEmbedding e = new NoiseEmbedding(kind, 8);
                GradCheck.initialize(e, m, 1, noise);
                GradCheck.check(m, e, List.of(new Pair<>(new double[] {0.3, -1.2, 0.05}, noise)),
                        (s, in) -> e.apply(new ParameterStore(s, false), in.get(0), true), 3, 1e-6);
            }
            LabelEmbedding labels = new LabelEmbedding(5, 4);
            GradCheck.initialize(labels, m, 1, noise);
            GradCheck.check(m, labels, List.of(),
                    (s, in) -> labels.apply(new ParameterStore(s, false), s.create(new long[] {4, 0, 4}), true), 24, 1e-6);
        }
    }

    @Test
    void positionalEmbeddingValues() {
        DjlRuntime.engine();
        NoiseEmbedding e = new NoiseEmbedding(NoiseEmbedding.Kind.POSITIONAL, 8);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            e.initialize(m, DataType.FLOAT32, new Shape(1));
            float[] y = e.apply(new ParameterStore(m, false), m.create(new float[] {2.5f}), false).toFloatArray();
            float[] expected = new float[8];
            for (int i = 0; i < 4; i++) {
                double f = Math.pow(1e-4, i / 3.0);
                expected[i] = (float) Math.sin(2.5 * f);      // SongUNet swaps EDM's [cos, sin] to [sin, cos]
                expected[4 + i] = (float) Math.cos(2.5 * f);
            }
            assertArrayEquals(expected, y, 1e-5f, Arrays.toString(y));
            // The frequencies are a cached constant built from a Java array: it must own its storage, so that
            // it survives the garbage collection of the direct buffer it was made from (regression: an alias
            // from DJL's toType(sameType, copy = true) read freed memory after a GC).
            for (int i = 0; i < 5; i++) {
                System.gc();
                java.nio.ByteBuffer.allocateDirect(1 << 20).put(0, (byte) 7);
            }
            float[] again = e.apply(new ParameterStore(m, false), m.create(new float[] {2.5f}), false).toFloatArray();
            assertArrayEquals(expected, again, 1e-5f, Arrays.toString(again));
        }
    }

    @Test
    void smallSongUNetGradientsMatchFiniteDifferencesInBothFamilies() {
        Shape x = new Shape(2, 1, 8, 8);
        Shape noise = new Shape(2);
        boolean[] skips = new boolean[6];
        Arrays.fill(skips, true);
        skips[2] = false;
        for (boolean ncsn : new boolean[] {false, true}) {
            UNetConfig c = new UNetConfig(8, 1, 1, 3, 8, List.of(1, 2), 2, 2, List.of(4), 0,
                    ncsn ? NoiseEmbedding.Kind.FOURIER : NoiseEmbedding.Kind.POSITIONAL, ncsn ? 2 : 1, ncsn,
                    ncsn ? NCSN : BOX, skips);
            SongUNet net = new SongUNet(c);
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                GradCheck.initialize(net, m, 1, x, noise, noise);
                GradCheck.check(m, net, List.of(new Pair<>(GradCheck.randomValues(128, 3), x),
                                new Pair<>(new double[] {0.2, -0.7}, noise)),
                        (s, in) -> net.apply(new ParameterStore(s, false), in.get(0), in.get(1), s.create(new long[] {2, 0}),
                                true), 3, 1e-5, 24);
            }
        }
    }
}
