package dev.emm.metric.fast;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.djl.DjlRuntime;
import java.lang.System.Logger.Level;
import java.util.stream.IntStream;

/**
 * The exact top-2 nearest training images of every sample (the same {@link NeighbourDistances} as
 * {@link dev.emm.core.metric.MemorizationMetric#nearestTwo}, value for value, index for index), at
 * matrix-multiply speed.
 *
 * <p>Squared distances come from |x|^2 + |y|^2 - 2 x.y with the dot products of a block of samples
 * and a block of training images computed as one matrix product on the engine ({@link
 * NeighbourScan}), and a running top-2 per sample. Pixels are centred (p - 128, which is p XOR 0x80
 * read as a signed byte); distances do not change. Two kernels compute the products, both exact:
 * {@link Kernel#INT8} ({@link Int8Scan}: libtorch's int8 x int8 -> int32 product, nothing rounded)
 * and {@link Kernel#FLOAT32} ({@link Float32Scan}: float32 sgemm, candidates, an exact re-check
 * with a proven margin). {@link KernelChoice} picks the faster on this machine by measuring both.
 */
public final class FastNearestNeighbours {

    /** The matrix product behind the distances. */
    public enum Kernel { INT8, FLOAT32 }

    /** The core metric's limit (its own exact integer range); both kernels accept it. */
    public static final int MAX_DIMENSION = 66_051;
    private static final System.Logger LOG = System.getLogger(FastNearestNeighbours.class.getName());

    /**
     * @param kernel null: the one {@link KernelChoice} measured faster on the device
     * @param sampleBlock samples per block (columns of one product)
     * @param trainingBlock training images per block (rows of one product)
     * @param candidates per-sample candidates of the FLOAT32 kernel (at least 2)
     * @param device null: the CPU
     */
    public record Options(Kernel kernel, int sampleBlock, int trainingBlock, int candidates, Device device) {

        /** Samples per block by default. */
        public static final int SAMPLE_BLOCK = 1024;
        /** Training images per block by default. */
        public static final int TRAINING_BLOCK = 2048;

        public Options {
            if (sampleBlock < 1 || trainingBlock < 1 || candidates < 2) {
                throw new IllegalArgumentException("blocks must be positive and candidates at least 2");
            }
        }

        public static Options defaults() {
            return new Options(null, SAMPLE_BLOCK, TRAINING_BLOCK, 8, null);
        }

        public Options withKernel(Kernel k) {
            return new Options(k, sampleBlock, trainingBlock, candidates, device);
        }
    }

    /**
     * @param fallbacks samples the FLOAT32 kernel could not certify from its candidates and
     *     rescanned exactly (always 0 for INT8)
     * @param gemmNanos time spent in the engine's matrix products (including the copy back)
     */
    public record Result(NeighbourDistances distances, Kernel kernel, int fallbacks, long gemmNanos, long totalNanos) {
    }

    private FastNearestNeighbours() {
    }

    /**
     * The exact top-2 of every sample, with default options. Where the engine cannot start at all
     * (no native library for this platform), the core's exact scan answers instead: the same
     * result, slower.
     */
    public static NeighbourDistances nearestTwo(ImageSet samples, ImageSet training) {
        try {
            DjlRuntime.engine();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "no DJL engine ({0}); computing the metric with the core's exact scan", e.toString());
            return MemorizationMetric.nearestTwo(samples, training);
        }
        return compute(samples, training, Options.defaults()).distances();
    }

    public static Result compute(ImageSet samples, ImageSet training, Options options) {
        long start = System.nanoTime();
        int dimension = samples.dimension();
        if (dimension != training.dimension()) {
            throw new IllegalArgumentException("samples have " + dimension + " values per image but the "
                    + "training images have " + training.dimension());
        }
        if (dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("images of " + dimension + " values exceed the exact "
                    + "integer range of the metric (" + MAX_DIMENSION + ")");
        }
        if (training.size() < 2) {
            throw new IllegalArgumentException("the metric needs at least 2 training images, got " + training.size());
        }
        DjlRuntime.engine();
        Device device = options.device() != null ? options.device() : Device.cpu();
        Kernel kernel = options.kernel();
        if (kernel == null) {
            kernel = KernelChoice.on(device).kernel();
        }
        int n = samples.size();
        long[] nearest = new long[n];
        long[] second = new long[n];
        int[] index = new int[n];
        if (n == 0) {
            return new Result(new NeighbourDistances(nearest, second, index), kernel, 0, 0, System.nanoTime() - start);
        }
        long[] sampleNorms = centredNorms(samples);
        long[] trainingNorms = centredNorms(training);
        NeighbourScan scan = kernel == Kernel.INT8
                ? new Int8Scan(samples, training, sampleNorms, trainingNorms, options, device, nearest, second, index)
                : new Float32Scan(samples, training, sampleNorms, trainingNorms, options, device, nearest, second,
                        index);
        scan.run();
        return new Result(new NeighbourDistances(nearest, second, index), kernel, scan.fallbacks, scan.gemmNanos,
                System.nanoTime() - start);
    }

    /** |p - 128|^2 of every image, exact (on every core: at 12,000 CIFAR images it is 37 M values). */
    static long[] centredNorms(ImageSet set) {
        int d = set.dimension();
        byte[] pixels = set.pixels();
        long[] norms = new long[set.size()];
        IntStream.range(0, norms.length).parallel().forEach(i -> {
            long sum = 0;
            int offset = i * d;
            for (int j = 0; j < d; j++) {
                int v = (pixels[offset + j] & 0xFF) - 128;
                sum += v * v;
            }
            norms[i] = sum;
        });
        return norms;
    }
}
