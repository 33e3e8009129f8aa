package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.emm.djl.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupNormTest {

    private static final double EPS = 1e-6;

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

    /**
     * The fused kernels (group_norm; with the SiLU after it; with the embedding shift before it) give the
     * composition's outputs and gradients (x, shift, weight, bias) in float64 to 1e-10.
     */
    @Test
    void fusedKernelsMatchTheComposition() {
        DjlRuntime.engine();
        GroupNorm norm = new GroupNorm(8, EPS);
        Shape xs = new Shape(2, 8, 3, 3);
        Shape ss = new Shape(2, 8);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(norm, m, 4, xs);
            NDArray w = norm.getParameters().get("weight").getArray();
            NDArray b = norm.getParameters().get("bias").getArray();
            int g = norm.groups();
            List<Pair<Forward, Forward>> cases = List.of(
                    new Pair<>((ps, x, s) -> norm.apply(ps, x, true), (ps, x, s) -> ComposedGroupNorm.norm(x, w, b, g, EPS)),
                    new Pair<>((ps, x, s) -> norm.applySilu(ps, x, true),
                            (ps, x, s) -> ComposedGroupNorm.silu(ComposedGroupNorm.norm(x, w, b, g, EPS))),
                    new Pair<>((ps, x, s) -> norm.applyShiftSilu(ps, x, s, true),
                            (ps, x, s) -> ComposedGroupNorm.shiftNormSilu(x, s, w, b, g, EPS)));
            for (int c = 0; c < cases.size(); c++) {
                List<double[]> fused = valueAndGradients(m, norm, cases.get(c).getKey(), xs, ss, c == 2);
                List<double[]> composed = valueAndGradients(m, norm, cases.get(c).getValue(), xs, ss, c == 2);
                assertEquals(composed.size(), fused.size());
                for (int i = 0; i < fused.size(); i++) {
                    assertArrayEquals(composed.get(i), fused.get(i), 1e-10, "case " + c + ", output/gradient " + i);
                }
            }
        }
    }

    /** A group-norm forward pass on (x, shift). */
    interface Forward {
        NDArray apply(ParameterStore ps, NDArray x, NDArray shift);
    }

    /** The output, then the gradients of sum(output * r) for x, the shift (if used) and the weight and bias. */
    private static List<double[]> valueAndGradients(NDManager m, GroupNorm norm, Forward f, Shape xs, Shape ss,
                                                    boolean shifted) {
        List<double[]> result = new ArrayList<>();
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.create(GradCheck.randomValues((int) xs.size(), 5), xs);
            NDArray shift = s.create(GradCheck.randomValues((int) ss.size(), 6), ss);
            x.setRequiresGradient(true);
            shift.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(new ParameterStore(s, false), x, shift);
                result.add(y.toDoubleArray());
                gc.backward(y.mul(s.create(GradCheck.randomValues((int) y.size(), 9), y.getShape())).sum());
            }
            result.add(x.getGradient().toDoubleArray());
            if (shifted) {
                result.add(shift.getGradient().toDoubleArray());
            }
            for (Pair<String, Parameter> p : norm.getParameters()) {
                try (NDArray g = p.getValue().getArray().getGradient()) {
                    result.add(g.toDoubleArray());
                    g.subi(g);
                }
            }
        }
        return result;
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
