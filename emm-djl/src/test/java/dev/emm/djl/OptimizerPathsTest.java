package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The multi-tensor Adam and EMA (one TorchScript call per step, the production path) update weights,
 * moments and EMA as the per-parameter oracle {@link PerParameterAdam} does, over six steps with NaN
 * and infinite gradient components, with and without weight decay: to 2e-5 relative, since DJL's
 * per-parameter kernel takes the betas as float32 (its 1 - beta2 is 0.00099998713, so its second
 * moments come out 1.3e-5 lower).
 */
class OptimizerPathsTest {

    private static final List<Shape> SHAPES = List.of(new Shape(4, 3), new Shape(5), new Shape(2, 2, 3));
    private static final int STEPS = 6;

    @Test
    void multiTensorAdamAndEmaMatchThePerParameterUpdates() {
        DjlRuntime.engine();
        for (double weightDecay : new double[] {0, 0.01}) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                State fused = new State(m);
                State oracle = new State(m);
                try (ForeachOptimizer optimizer = new ForeachOptimizer(Device.cpu(), fused.weights, fused.mean,
                        fused.variance, fused.ema)) {
                    for (int t = 1; t <= STEPS; t++) {
                        double lr = 1e-3 * t;
                        double beta = 0.9 + 0.01 * t;
                        optimizer.adam(gradients(m, t), lr, 0.9, 0.999, 1e-8, weightDecay, t);
                        optimizer.ema(beta);
                        PerParameterAdam.adam(oracle.weights, gradients(m, t), oracle.mean, oracle.variance, lr, 0.9,
                                0.999, 1e-8, weightDecay, t);
                        PerParameterAdam.ema(oracle.ema, oracle.weights, beta);
                        oracle.assertMatches(fused, "weight decay " + weightDecay + ", step " + t);
                    }
                }
            }
        }
    }

    /** Step t's gradients: uniform(-2, 2), with a NaN, +inf and -inf in the first tensor at steps 2 and 4. */
    private static List<NDArray> gradients(NDManager m, int t) {
        SplittableRandom random = new SplittableRandom(100 + t);
        List<NDArray> grads = new ArrayList<>();
        for (Shape s : SHAPES) {
            float[] g = new float[(int) s.size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (random.nextDouble() * 4 - 2);
            }
            if (grads.isEmpty() && t % 2 == 0) {
                g[0] = Float.NaN;
                g[1] = Float.POSITIVE_INFINITY;
                g[2] = Float.NEGATIVE_INFINITY;
            }
            grads.add(m.create(g, s));
        }
        return grads;
    }

    /** Weights (uniform(-1, 1), the same for every State), zero moments, EMA starting at the weights. */
    private static final class State {
        final List<NDArray> weights = new ArrayList<>();
        final List<NDArray> mean = new ArrayList<>();
        final List<NDArray> variance = new ArrayList<>();
        final List<NDArray> ema = new ArrayList<>();

        State(NDManager m) {
            SplittableRandom random = new SplittableRandom(7);
            for (Shape s : SHAPES) {
                float[] w = new float[(int) s.size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (random.nextDouble() * 2 - 1);
                }
                weights.add(m.create(w, s));
                ema.add(m.create(w, s));
                mean.add(m.zeros(s));
                variance.add(m.zeros(s));
            }
        }

        void assertMatches(State other, String at) {
            List<List<NDArray>> mine = List.of(weights, mean, variance, ema);
            List<List<NDArray>> theirs = List.of(other.weights, other.mean, other.variance, other.ema);
            String[] names = {"weight", "first moment", "second moment", "EMA"};
            for (int k = 0; k < mine.size(); k++) {
                for (int i = 0; i < SHAPES.size(); i++) {
                    float[] expected = mine.get(k).get(i).toFloatArray();
                    float[] actual = theirs.get(k).get(i).toFloatArray();
                    for (int j = 0; j < expected.length; j++) {
                        assertEquals(expected[j], actual[j], 2e-5 * Math.max(1, Math.abs(expected[j])),
                                names[k] + " " + i + "[" + j + "], " + at);
                    }
                }
            }
        }
    }
}
