package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * EDM's weight initialisation ({@code weight_init} in EDM's networks.py): xavier/kaiming, uniform or
 * normal, from explicit fan-in and fan-out, times a scale. Values are drawn in Java from a seeded
 * {@link SplittableRandom} (see {@link #seed(long)}), so a network's initial weights depend only on the
 * seed and the architecture, not on the engine, the device or its thread count.
 */
public final class EdmInit implements Initializer {

    /** Initialisation modes of EDM. */
    public enum Mode { XAVIER_UNIFORM, XAVIER_NORMAL, KAIMING_UNIFORM, KAIMING_NORMAL, ZEROS, ONES, NORMAL }

    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(0));

    private final Mode mode;
    private final double fanIn;
    private final double fanOut;
    private final double scale;

    private EdmInit(Mode mode, double fanIn, double fanOut, double scale) {
        this.mode = mode;
        this.fanIn = fanIn;
        this.fanOut = fanOut;
        this.scale = scale;
    }

    /** Restarts this thread's initialisation stream; blocks initialised afterwards draw from it in order. */
    public static void seed(long seed) {
        RANDOM.set(new SplittableRandom(seed));
    }

    public static EdmInit of(Mode mode, double fanIn, double fanOut, double scale) {
        return new EdmInit(mode, fanIn, fanOut, scale);
    }

    public static EdmInit zeros() {
        return new EdmInit(Mode.ZEROS, 1, 1, 0);
    }

    public static EdmInit ones() {
        return new EdmInit(Mode.ONES, 1, 1, 1);
    }

    /** Standard normal times {@code scale} (EDM's Fourier embedding frequencies). */
    public static EdmInit normal(double scale) {
        return new EdmInit(Mode.NORMAL, 1, 1, scale);
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        int n = Math.toIntExact(shape.size());
        if (mode == Mode.ZEROS || (scale == 0 && mode != Mode.ONES)) {
            return manager.zeros(shape, dataType);
        }
        if (mode == Mode.ONES) {
            return manager.ones(shape, dataType);
        }
        SplittableRandom random = RANDOM.get();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = scale * sample(random);
        }
        try (NDArray doubles = manager.create(values, shape)) {
            return Ops.ownedCopy(doubles, dataType);
        }
    }

    private double sample(SplittableRandom random) {
        switch (mode) {
            case XAVIER_UNIFORM:
                return Math.sqrt(6 / (fanIn + fanOut)) * (random.nextDouble() * 2 - 1);
            case XAVIER_NORMAL:
                return Math.sqrt(2 / (fanIn + fanOut)) * gaussian(random);
            case KAIMING_UNIFORM:
                return Math.sqrt(3 / fanIn) * (random.nextDouble() * 2 - 1);
            case KAIMING_NORMAL:
                return Math.sqrt(1 / fanIn) * gaussian(random);
            case NORMAL:
                return gaussian(random);
            default:
                throw new IllegalStateException(mode.toString());
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; one value per call keeps the stream position a function of the count alone.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
