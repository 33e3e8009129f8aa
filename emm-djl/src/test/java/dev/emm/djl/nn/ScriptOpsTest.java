package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.emm.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

/** libtorch's fused SiLU, reached through TorchScript, equals x * sigmoid(x) in value and gradient (float64). */
class ScriptOpsTest {

    @Test
    void fusedSiluMatchesXTimesSigmoid() {
        DjlRuntime.engine();
        Shape shape = new Shape(3, 4, 5);
        double[] values = GradCheck.randomValues((int) shape.size(), 1);
        for (int i = 0; i < values.length; i++) {
            values[i] *= 6;
        }
        double[][] fused = valueAndGradient(values, shape, true);
        double[][] composed = valueAndGradient(values, shape, false);
        assertArrayEquals(composed[0], fused[0], 1e-12);
        assertArrayEquals(composed[1], fused[1], 1e-12);
    }

    /** silu(x) and the gradient of sum(silu(x) * r). */
    private static double[][] valueAndGradient(double[] values, Shape shape, boolean fused) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(values, shape);
            x.setRequiresGradient(true);
            double[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = fused ? ScriptOps.silu(x, true) : ComposedGroupNorm.silu(x);
                y = out.toDoubleArray();
                gc.backward(out.mul(m.create(GradCheck.randomValues(values.length, 2), shape)).sum());
            }
            return new double[][] {y, x.getGradient().toDoubleArray()};
        }
    }
}
