package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.emm.djl.DjlRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Up/down FIR resampling against a direct implementation of EDM's conv2d / conv_transpose2d definitions. */
class ResampleTest {

    private static final int[] BOX = {1, 1};
    private static final int[] NCSN = {1, 3, 3, 1};

    @Test
    void downMatchesStridedFilter() {
        for (int[] f : List.of(BOX, NCSN)) {
            check(f, Resample.Direction.DOWN);
        }
    }

    @Test
    void upMatchesTransposedFilter() {
        for (int[] f : List.of(BOX, NCSN)) {
            check(f, Resample.Direction.UP);
        }
    }

    private static void check(int[] f, Resample.Direction direction) {
        DjlRuntime.engine();
        int n = 2;
        int c = 3;
        int h = 4;
        int w = 6;
        double[] x = GradCheck.randomValues(n * c * h * w, 11);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray in = m.create(x, new Shape(n, c, h, w));
            NDArray out = direction == Resample.Direction.UP ? Resample.up(in, f) : Resample.down(in, f);
            double[] expected = direction == Resample.Direction.UP ? upReference(x, n, c, h, w, f) : downReference(x, n, c, h, w, f);
            assertArrayEquals(expected, out.toDoubleArray(), 1e-12, direction + " " + java.util.Arrays.toString(f));
        }
    }

    /** conv2d(x, outer(f,f)/sum^2, stride 2, padding (k-1)/2), per channel. */
    private static double[] downReference(double[] x, int n, int c, int h, int w, int[] f) {
        int k = f.length;
        int p = (k - 1) / 2;
        double sum = java.util.Arrays.stream(f).sum();
        int oh = (h + 2 * p - k) / 2 + 1;
        int ow = (w + 2 * p - k) / 2 + 1;
        double[] y = new double[n * c * oh * ow];
        for (int b = 0; b < n * c; b++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double acc = 0;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int r = 2 * i - p + u;
                            int s = 2 * j - p + v;
                            if (r >= 0 && r < h && s >= 0 && s < w) {
                                acc += x[(b * h + r) * w + s] * f[u] * f[v] / (sum * sum);
                            }
                        }
                    }
                    y[(b * oh + i) * ow + j] = acc;
                }
            }
        }
        return y;
    }

    /** conv_transpose2d(x, 4 outer(f,f)/sum^2, stride 2, padding (k-1)/2), per channel. */
    private static double[] upReference(double[] x, int n, int c, int h, int w, int[] f) {
        int k = f.length;
        int p = (k - 1) / 2;
        double sum = java.util.Arrays.stream(f).sum();
        int oh = (h - 1) * 2 - 2 * p + k;
        int ow = (w - 1) * 2 - 2 * p + k;
        double[] y = new double[n * c * oh * ow];
        for (int b = 0; b < n * c; b++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            int r = 2 * i - p + u;
                            int s = 2 * j - p + v;
                            if (r >= 0 && r < oh && s >= 0 && s < ow) {
                                y[(b * oh + r) * ow + s] += x[(b * h + i) * w + j] * 4 * f[u] * f[v] / (sum * sum);
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Shape shape = new Shape(1, 2, 4, 4);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (int[] f : List.of(BOX, NCSN)) {
                for (Resample.Direction d : Resample.Direction.values()) {
                    Resample block = new Resample(d, f);
                    GradCheck.initialize(block, m, 1, shape);
                    GradCheck.check(m, block, List.of(new Pair<>(GradCheck.randomValues(32, 3), shape)),
                            (s, in) -> block.forward(new ParameterStore(s, false), in, true).head(), 32, 1e-6);
                }
            }
        }
    }
}
