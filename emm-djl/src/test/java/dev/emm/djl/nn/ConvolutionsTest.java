package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.emm.djl.DjlRuntime;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Float32 convolutions on the CPU, forward and backward, against direct sums. Float64 gradient
 * checks (BlockGradientTest) never reach oneDNN, whose backward pass gave a wrong input gradient
 * when the output channels are not a multiple of its channel block (see {@link Convolutions}).
 */
class ConvolutionsTest {

    private static final int BATCH = 16;
    private static final int IN_CHANNELS = 16;
    private static final int SIZE = 16;
    private static final int KERNEL = 3;

    @ParameterizedTest(name = "{0} output channels")
    @ValueSource(ints = {1, 3, 17, 16})
    void theOutputAndEveryGradientEqualTheDirectSums(int outChannels) {
        Engine engine = DjlRuntime.engine();
        DirectConvolution direct = new DirectConvolution(BATCH, IN_CHANNELS, outChannels, SIZE, KERNEL);
        SplittableRandom random = new SplittableRandom(outChannels);
        float[] x = gaussian(random, BATCH * IN_CHANNELS * SIZE * SIZE);
        float[] w = gaussian(random, outChannels * IN_CHANNELS * KERNEL * KERNEL);
        float[] b = gaussian(random, outChannels);
        float[] g = gaussian(random, BATCH * outChannels * SIZE * SIZE);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            leaveNaNsInFreedMemory(m);
            NDArray xa = m.create(x, new Shape(BATCH, IN_CHANNELS, SIZE, SIZE));
            NDArray wa = m.create(w, new Shape(outChannels, IN_CHANNELS, KERNEL, KERNEL));
            NDArray ba = m.create(b, new Shape(outChannels));
            NDArray ga = m.create(g, new Shape(BATCH, outChannels, SIZE, SIZE));
            for (NDArray a : new NDArray[] {xa, wa, ba}) {
                a.setRequiresGradient(true);
            }
            NDArray y;
            try (GradientCollector collector = engine.newGradientCollector()) {
                y = Convolutions.convolve(xa, wa, ba, 1, KERNEL / 2, 1);
                collector.backward(y.mul(ga).sum());
            }
            assertEquals(new Shape(BATCH, outChannels, SIZE, SIZE), y.getShape());
            assertClose("output", direct.output(x, w, b), y.toFloatArray());
            assertClose("input gradient", direct.inputGradient(w, g), xa.getGradient().toFloatArray());
            assertClose("weight gradient", direct.weightGradient(x, g), wa.getGradient().toFloatArray());
            assertClose("bias gradient", direct.biasGradient(g), ba.getGradient().toFloatArray());
        }
    }

    /** Makes a read of uninitialised native memory visible: the next allocations of these sizes reuse NaNs. */
    private static void leaveNaNsInFreedMemory(NDManager m) {
        for (int floats = 1 << 10; floats <= 1 << 18; floats <<= 1) {
            m.full(new Shape(floats), Float.NaN, DataType.FLOAT32).close();
        }
    }

    /** Largest difference within 1e-5 of the largest reference value (float32 sums of up to 2,304 terms). */
    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " size");
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            double difference = Math.abs(actual[i] - expected[i]);
            worst = Double.isNaN(difference) ? Double.POSITIVE_INFINITY : Math.max(worst, difference);
        }
        assertTrue(largest > 1, what + " is not trivially small: " + largest);
        assertTrue(worst <= 1e-5 * largest, what + ": largest difference " + worst + " against largest value " + largest);
    }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double u = 1 - random.nextDouble();
            values[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return values;
    }
}
