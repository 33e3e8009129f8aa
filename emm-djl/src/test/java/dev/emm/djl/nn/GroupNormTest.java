package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.emm.djl.DjlRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    @Test
    void groupsFollowEdm() {
        assertEquals(32, new GroupNorm(128, 1e-6).groups());
        assertEquals(8, new GroupNorm(32, 1e-6).groups());
        assertEquals(4, new GroupNorm(16, 1e-6).groups());
    }

    @Test
    void matchesMeanVarianceReference() {
        DjlRuntime.engine();
        int n = 2;
        int c = 8;
        int h = 3;
        int w = 2;
        GroupNorm norm = new GroupNorm(c, 1e-5);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(norm, m, 3, new Shape(n, c, h, w));
            double[] x = GradCheck.randomValues(n * c * h * w, 9);
            double[] gamma = norm.getParameters().get("weight").getArray().toDoubleArray();
            double[] beta = norm.getParameters().get("bias").getArray().toDoubleArray();
            NDArray y = norm.apply(new ParameterStore(m, false), m.create(x, new Shape(n, c, h, w)), false);
            int groups = norm.groups();
            int perGroup = c / groups * h * w;
            double[] expected = new double[x.length];
            for (int i = 0; i < n; i++) {
                for (int g = 0; g < groups; g++) {
                    int off = (i * groups + g) * perGroup;
                    double mean = 0;
                    for (int j = 0; j < perGroup; j++) {
                        mean += x[off + j];
                    }
                    mean /= perGroup;
                    double var = 0;
                    for (int j = 0; j < perGroup; j++) {
                        var += (x[off + j] - mean) * (x[off + j] - mean);
                    }
                    var /= perGroup;
                    for (int j = 0; j < perGroup; j++) {
                        int channel = (off + j) / (h * w) % c;
                        expected[off + j] = (x[off + j] - mean) / Math.sqrt(var + 1e-5) * gamma[channel] + beta[channel];
                    }
                }
            }
            assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GroupNorm norm = new GroupNorm(8, 1e-6);
        Shape shape = new Shape(2, 8, 3, 3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(norm, m, 4, shape);
            GradCheck.check(m, norm, List.of(new Pair<>(GradCheck.randomValues(144, 5), shape)),
                    (s, in) -> norm.apply(new ParameterStore(s, false), in.get(0), true), 40, 1e-6);
        }
    }
}
