package dev.emm.metric.fast;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.emm.djl.DjlRuntime;
import dev.emm.metric.fast.FastNearestNeighbours.Kernel;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one place that chooses the metric's kernel: a short measurement of both products on the
 * device at first use, cached for the process. Both kernels give exactly the same answer; what
 * differs is speed, and that depends on the processor: where it has int8 dot-product instructions
 * (AVX-512 VNNI, AMX) libtorch's int8 product ran at 595 G/s against a 106 GFLOP/s sgemm, and on
 * an AVX2-only processor at 1.5 G/s against 74 GFLOP/s (docs/BENCHMARKS.md). So the kernel is
 * the faster product as measured here, not an assumption about the machine.
 *
 * <p>The measurement has two stages. First it multiplies random {@value #ROWS} x {@value #INNER} by
 * {@value #INNER} x {@value #COLUMNS} operands (a CIFAR-sized image, 0.1 G operations per
 * product): float32 once to warm up and then the best of {@value #REPEATS}; int8 (when the engine
 * has it, {@link IntMatMul#available}) once, and the best of {@value #REPEATS} only when that first
 * product was not already four times slower than float32. Where int8 is slow (1.5 G/s on an
 * AVX2-only EPYC) that one product takes about 70 ms, once per process, and int8 is out when it
 * ran at less than an eighth of the float32 rate. Otherwise both are measured again, after a
 * warm-up, on the scan's own block shape (the default blocks:
 * {@value FastNearestNeighbours.Options#TRAINING_BLOCK} x {@value #INNER} by {@value #INNER} x
 * {@value FastNearestNeighbours.Options#SAMPLE_BLOCK}), and that decides: on small operands the
 * int8 product pays a fixed cost per call that the scan's blocks do not see (on an AVX-512 VNNI
 * EPYC it measured 32 G/s against float32's 65 GFLOP/s on the small shape, and reached 595 G/s in
 * the scan), so the small shape alone chose float32 there and made the metric five times slower.
 *
 * @param int8Rate G operations per second of the int8 product; 0 when the engine has none
 * @param float32Rate GFLOP/s of the float32 product
 */
public record KernelChoice(Kernel kernel, double int8Rate, double float32Rate) {

    static final int ROWS = 128;
    static final int INNER = 3072;
    static final int COLUMNS = 128;
    static final int REPEATS = 3;
    /** int8 is out after the first stage when it ran at less than 1/SCREEN of the float32 rate. */
    static final int SCREEN = 8;

    private static final System.Logger LOG = System.getLogger(KernelChoice.class.getName());
    private static final Map<Device, KernelChoice> CHOSEN = new ConcurrentHashMap<>();

    /** The kernel for {@code device}, measured on the first call and cached for the process. */
    public static KernelChoice on(Device device) {
        return CHOSEN.computeIfAbsent(device, KernelChoice::measure);
    }

    /** The faster of the two measured products; int8 on a tie, as it needs no re-check. */
    static Kernel faster(double int8Rate, double float32Rate) {
        return int8Rate >= float32Rate ? Kernel.INT8 : Kernel.FLOAT32;
    }

    /** Whether the small-shape rates already rule int8 out, without measuring the block shape. */
    static boolean int8RuledOut(double int8Rate, double float32Rate) {
        return int8Rate * SCREEN < float32Rate;
    }

    private static KernelChoice measure(Device device) {
        DjlRuntime.engine();
        boolean int8 = IntMatMul.available(device);
        KernelChoice choice;
        String shape;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Random random = new Random(20261201L);
            choice = measured(manager, random, device, ROWS, COLUMNS, int8, false);
            shape = ROWS + "x" + INNER + "x" + COLUMNS;
            if (int8 && !int8RuledOut(choice.int8Rate(), choice.float32Rate())) {
                int rows = FastNearestNeighbours.Options.TRAINING_BLOCK;
                int columns = FastNearestNeighbours.Options.SAMPLE_BLOCK;
                choice = measured(manager, random, device, rows, columns, true, true);
                shape = rows + "x" + INNER + "x" + columns;
            }
        }
        LOG.log(Level.INFO, String.format(Locale.ROOT, "metric kernel on %s: %s (int8 product %.1f G/s, float32 "
                + "product %.1f GFLOP/s, measured on %s)", device, choice.kernel(), choice.int8Rate(),
                choice.float32Rate(), shape));
        return choice;
    }

    /**
     * The faster kernel on {@code rows x INNER} by {@code INNER x columns} products, with both rates
     * (int8 0 unless {@code int8}): float32 warmed up, then the best of REPEATS; int8 the same when
     * {@code warmInt8}, else once, and the best of REPEATS only when that first product was not
     * already four times slower.
     */
    private static KernelChoice measured(NDManager manager, Random random, Device device, int rows, int columns,
                                         boolean int8, boolean warmInt8) {
        double operations = 2.0 * rows * INNER * columns;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = int8(scope, random, rows, INNER);
            NDArray b = int8(scope, random, INNER, columns);
            NDArray af = a.toType(DataType.FLOAT32, false);
            NDArray bf = b.toType(DataType.FLOAT32, false);
            timed(() -> af.matMul(bf));
            long floatBest = best(() -> af.matMul(bf), Long.MAX_VALUE);
            double int8Rate = 0;
            if (int8) {
                IntMatMul product = IntMatMul.on(device);
                if (warmInt8) {
                    timed(() -> product.multiply(a, b));
                }
                long int8Best = timed(() -> product.multiply(a, b));
                if (warmInt8 || int8Best < 4 * floatBest) {
                    int8Best = best(() -> product.multiply(a, b), int8Best);
                }
                int8Rate = operations / int8Best;
            }
            double float32Rate = operations / floatBest;
            return new KernelChoice(faster(int8Rate, float32Rate), int8Rate, float32Rate);
        }
    }

    private static long best(Supplier<NDArray> product, long soFar) {
        long best = soFar;
        for (int i = 0; i < REPEATS; i++) {
            best = Math.min(best, timed(product));
        }
        return best;
    }

    private static NDArray int8(NDManager manager, Random random, int rows, int columns) {
        byte[] values = new byte[rows * columns];
        random.nextBytes(values);
        try (NDArray alias = manager.create(IntMatMul.direct(values), new Shape(rows, columns), DataType.INT8)) {
            return alias.duplicate();
        }
    }

    /** Nanoseconds of one product, including the engine finishing it (its values read back). */
    private static long timed(Supplier<NDArray> product) {
        long start = System.nanoTime();
        try (NDArray out = product.get()) {
            out.toByteBuffer(true);
        }
        return Math.max(1, System.nanoTime() - start);
    }
}
