package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import dev.emm.djl.DjlRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Finite-difference gradient check in float64: L = sum(f(inputs) * R) for a fixed random R; the
 * autograd gradient of every input and every trainable parameter is compared, at a sample of
 * coordinates, with the central difference (L(v + h) - L(v - h)) / 2h.
 */
final class GradCheck {

    private static final double H = 1e-6;

    private GradCheck() {
    }

    /**
     * @param f forward pass: (step manager, inputs) -> output; must not close the inputs
     * @param inputValues values of the differentiable inputs (float64), with their shapes
     * @param extraInputs non-differentiable inputs (labels), created by the given factory per evaluation
     */
    static void check(NDManager manager, FixedShapeBlock block, List<Pair<double[], Shape>> inputValues,
                      BiFunction<NDManager, NDList, NDArray> f, int samplesPerTensor, double tolerance) {
        check(manager, block, inputValues, f, samplesPerTensor, tolerance, Integer.MAX_VALUE);
    }

    /** As above, checking at most {@code maxParameterTensors} parameter tensors, spread evenly over the block. */
    static void check(NDManager manager, FixedShapeBlock block, List<Pair<double[], Shape>> inputValues,
                      BiFunction<NDManager, NDList, NDArray> f, int samplesPerTensor, double tolerance,
                      int maxParameterTensors) {
        DjlRuntime.engine();
        SplittableRandom random = new SplittableRandom(42);
        Shape outShape;
        try (NDManager probe = manager.newSubManager()) {
            outShape = f.apply(probe, inputs(probe, inputValues)).getShape();
        }
        double[] r = new double[(int) outShape.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextDouble() * 2 - 1;
        }
        // Analytic gradients.
        List<double[]> inputGrads = new ArrayList<>();
        List<double[]> paramGrads = new ArrayList<>();
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        try (NDManager step = manager.newSubManager()) {
            NDList in = inputs(step, inputValues);
            for (NDArray a : in) {
                a.setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = f.apply(step, in);
                NDArray loss = out.mul(step.create(r, outShape)).sum();
                gc.backward(loss);
            }
            for (NDArray a : in) {
                inputGrads.add(a.getGradient().toDoubleArray());
            }
            for (Parameter p : params) {
                try (NDArray g = p.getArray().getGradient()) {
                    paramGrads.add(g.toDoubleArray());
                    g.subi(g); // leave no accumulated gradient behind
                }
            }
        }
        // Numerical gradients at sampled coordinates.
        double worst = 0;
        String worstWhere = "";
        for (int t = 0; t < inputValues.size(); t++) {
            double[] values = inputValues.get(t).getKey();
            for (int s = 0; s < Math.min(samplesPerTensor, values.length); s++) {
                int i = samplesPerTensor >= values.length ? s : random.nextInt(values.length);
                double saved = values[i];
                values[i] = saved + H;
                double plus = loss(manager, f, inputValues, r, outShape);
                values[i] = saved - H;
                double minus = loss(manager, f, inputValues, r, outShape);
                values[i] = saved;
                double numeric = (plus - minus) / (2 * H);
                double err = relError(numeric, inputGrads.get(t)[i], inputGrads.get(t));
                if (err > worst) {
                    worst = err;
                    worstWhere = "input " + t + "[" + i + "] numeric " + numeric + " autograd " + inputGrads.get(t)[i];
                }
            }
        }
        int stride = Math.max(1, (params.size() + maxParameterTensors - 1) / maxParameterTensors);
        for (int p = 0; p < params.size(); p += stride) {
            NDArray array = params.get(p).getArray();
            double[] values = array.toDoubleArray();
            for (int s = 0; s < Math.min(samplesPerTensor, values.length); s++) {
                int i = samplesPerTensor >= values.length ? s : random.nextInt(values.length);
                double saved = values[i];
                values[i] = saved + H;
                array.set(values);
                double plus = loss(manager, f, inputValues, r, outShape);
                values[i] = saved - H;
                array.set(values);
                double minus = loss(manager, f, inputValues, r, outShape);
                values[i] = saved;
                array.set(values);
                double numeric = (plus - minus) / (2 * H);
                double err = relError(numeric, paramGrads.get(p)[i], paramGrads.get(p));
                if (err > worst) {
                    worst = err;
                    worstWhere = "parameter " + params.get(p).getName() + "[" + i + "] numeric " + numeric
                            + " autograd " + paramGrads.get(p)[i];
                }
            }
        }
        assertTrue(worst < tolerance, "gradient mismatch " + worst + " at " + worstWhere);
    }

    private static double relError(double numeric, double analytic, double[] all) {
        double scale = 1e-8;
        for (double v : all) {
            scale = Math.max(scale, Math.abs(v));
        }
        return Math.abs(numeric - analytic) / scale;
    }

    private static double loss(NDManager manager, BiFunction<NDManager, NDList, NDArray> f,
                               List<Pair<double[], Shape>> inputValues, double[] r, Shape outShape) {
        try (NDManager step = manager.newSubManager()) {
            NDArray out = f.apply(step, inputs(step, inputValues));
            return out.mul(step.create(r, outShape)).sum().getDouble();
        }
    }

    private static NDList inputs(NDManager m, List<Pair<double[], Shape>> values) {
        NDList list = new NDList();
        for (Pair<double[], Shape> v : values) {
            list.add(m.create(v.getKey(), v.getValue()));
        }
        return list;
    }

    static double[] randomValues(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble() * 2 - 1;
        }
        return v;
    }

    /** Initialises in float64, then replaces every parameter by uniform(-1, 1) values so that no gradient path is
     *  hidden behind EDM's near-zero initialisation. */
    static void initialize(FixedShapeBlock block, NDManager m, long seed, Shape... shapes) {
        EdmInit.seed(seed);
        block.initialize(m, DataType.FLOAT64, shapes);
        long s = seed;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                NDArray a = p.getValue().getArray();
                a.set(randomValues((int) a.size(), ++s));
            }
        }
    }
}
