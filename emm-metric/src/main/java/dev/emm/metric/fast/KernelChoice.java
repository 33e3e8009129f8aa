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
 * <p>The measurement multiplies random {@value #ROWS} x {@value #INNER} by {@value #INNER} x
 * {@value #COLUMNS} operands (a CIFAR-sized image, 0.1 G operations per product): float32 once to
 * warm up and then the best of {@value #REPEATS}; int8 (when the engine has it, {@link
 * IntMatMul#available}) once, and the best of {@value #REPEATS} only when that first product
 * was not already four times slower than float32. Where int8 is slow (1.5 G/s on an AVX2-only
 * EPYC) that one product takes about 70 ms, once per process.
 *
 * @param int8Rate G operations per second of the int8 product; 0 when the engine has none
 * @param float32Rate GFLOP/s of the float32 product
 */
public record KernelChoice(Kernel kernel, double int8Rate, double float32Rate) {

    static final int ROWS = 128;
    static final int INNER = 3072;
    static final int COLUMNS = 128;
    static final int REPEATS = 3;

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

    private static KernelChoice measure(Device device) {
        DjlRuntime.engine();
        double operations = 2.0 * ROWS * INNER * COLUMNS;
        double float32Rate;
        double int8Rate = 0;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Random random = new Random(20261201L);
            NDArray a = int8(manager, random, ROWS, INNER);
            NDArray b = int8(manager, random, INNER, COLUMNS);
            NDArray af = a.toType(DataType.FLOAT32, false);
            NDArray bf = b.toType(DataType.FLOAT32, false);
            timed(() -> af.matMul(bf));
            long floatBest = Long.MAX_VALUE;
            for (int i = 0; i < REPEATS; i++) {
                floatBest = Math.min(floatBest, timed(() -> af.matMul(bf)));
            }
            float32Rate = operations / floatBest;
            if (IntMatMul.available(device)) {
                IntMatMul product = IntMatMul.on(device);
                long int8Best = timed(() -> product.multiply(a, b));
                if (int8Best < 4 * floatBest) {
                    for (int i = 0; i < REPEATS; i++) {
                        int8Best = Math.min(int8Best, timed(() -> product.multiply(a, b)));
                    }
                }
                int8Rate = operations / int8Best;
            }
        }
        KernelChoice choice = new KernelChoice(faster(int8Rate, float32Rate), int8Rate, float32Rate);
        LOG.log(Level.INFO, String.format(Locale.ROOT, "metric kernel on %s: %s (measured on %dx%dx%d: int8 product "
                + "%.1f G/s, float32 product %.1f GFLOP/s)", device, choice.kernel(), ROWS, INNER, COLUMNS,
                int8Rate, float32Rate));
        return choice;
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
