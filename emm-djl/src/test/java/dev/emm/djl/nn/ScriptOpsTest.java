package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fused TorchScript kernels give the same values and gradients (float64) as the plain DJL
 * compositions, and the composed path passes the finite-difference check on its own.
 */
class ScriptOpsTest {

    @AfterEach
    void restore() {
        ScriptOps.setEnabled(true);
    }

    @Test
    void fusedAndComposedUNetBlocksAgree() {
        DjlRuntime.engine();
        UNetBlock block = new UNetBlock(8, 12, 6, false, true, true, 0, Math.sqrt(0.5), 1e-6, new int[] {1, 1});
        Shape x = new Shape(2, 8, 4, 4);
        Shape emb = new Shape(2, 6);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(block, m, 3, x, emb);
            double[] xv = GradCheck.randomValues(256, 1);
            double[] ev = GradCheck.randomValues(12, 2);
            List<double[]> fused = run(block, m, xv, ev, x, emb, true);
            List<double[]> composed = run(block, m, xv, ev, x, emb, false);
            for (int i = 0; i < fused.size(); i++) {
                assertArrayEquals(composed.get(i), fused.get(i), 1e-10, "output/gradient " + i);
            }
        }
    }

    @Test
    void composedPathPassesTheGradientCheck() {
        ScriptOps.setEnabled(false);
        UNetBlock block = new UNetBlock(8, 8, 6, false, false, true, 0, Math.sqrt(0.5), 1e-6, new int[] {1, 1});
        Shape x = new Shape(2, 8, 4, 4);
        Shape emb = new Shape(2, 6);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            GradCheck.initialize(block, m, 4, x, emb);
            GradCheck.check(m, block, List.of(new Pair<>(GradCheck.randomValues(256, 3), x),
                            new Pair<>(GradCheck.randomValues(12, 4), emb)),
                    (s, in) -> block.apply(new ParameterStore(s, false), in.get(0), in.get(1), true), 20, 1e-6);
        }
    }

    /** Output, then the gradient of sum(output * r) for x, emb and every parameter. */
    private static List<double[]> run(UNetBlock block, NDManager m, double[] xv, double[] ev, Shape xs, Shape es,
                                      boolean fused) {
        ScriptOps.setEnabled(fused);
        List<double[]> result = new ArrayList<>();
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.create(xv, xs);
            NDArray e = s.create(ev, es);
            x.setRequiresGradient(true);
            e.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = block.apply(new ParameterStore(s, false), x, e, true);
                result.add(y.toDoubleArray());
                double[] r = GradCheck.randomValues((int) y.size(), 9);
                gc.backward(y.mul(s.create(r, y.getShape())).sum());
            }
            result.add(x.getGradient().toDoubleArray());
            result.add(e.getGradient().toDoubleArray());
            for (Pair<String, Parameter> p : block.getParameters()) {
                try (NDArray g = p.getValue().getArray().getGradient()) {
                    result.add(g.toDoubleArray());
                    g.subi(g);
                }
            }
        }
        return result;
    }

}
