package dev.emm.djl.metric;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.core.metric.TopTwo;
import dev.emm.djl.DjlRuntime;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The exact top-2 nearest training images of every sample (the same {@link NeighbourDistances} as
 * {@link dev.emm.core.metric.MemorizationMetric#nearestTwo}, value for value, index for index), at
 * matrix-multiply speed.
 *
 * <p>Squared distances come from |x|^2 + |y|^2 - 2 x.y with the dot products of a block of samples
 * and a block of training images computed as one matrix product on the engine, and a running top-2
 * per sample, so memory stays bounded (one block of products, never an N x M matrix). Pixels are
 * centred (p - 128, which is p XOR 0x80 read as a signed byte); distances do not change.
 *
 * <ul>
 * <li>{@link Kernel#INT8} (default where the engine has it): the product is libtorch's exact
 *     int8 x int8 -> int32 GEMM ({@link IntMatMul}). |x_c . y_c| <= 128^2 K < 2^31 for K up to
 *     131,071 values, so every distance is an exact integer and the top-2 scan decides ties exactly
 *     as the core metric does (first index of the smallest distance; the second distance is the
 *     second smallest value of the multiset).
 * <li>{@link Kernel#FLOAT32}: float32 GEMM, a running top-{@code candidates} per sample by
 *     approximate score, then an exact integer re-check of those candidates. Centred values and
 *     their products are exact in float32; only the summation rounds, and for any summation order
 *     (blocked, FMA) |fl(x.y) - x.y| <= gamma_K sum_i |x_i y_i| <= gamma_K |x| |y| with
 *     gamma_K = K u / (1 - K u), u = 2^-24. With s_j = |y_j|^2 / 2 - x.y_j (so d_j = |x|^2 + 2 s_j)
 *     and T the largest approximate score kept, every training image j that was not kept has
 *     d_j >= |x|^2 + 2 (T - E) with E = gamma_K |x| max_j |y_j| (plus a margin for the double
 *     arithmetic). If that bound exceeds the exact second-smallest distance among the candidates,
 *     no other image can be nearest or second nearest or tie with the nearest, and the candidates'
 *     exact distances are the answer. Otherwise that sample is rescanned exactly over all training
 *     images (counted in {@link Result#fallbacks()}).
 * </ul>
 */
public final class FastNearestNeighbours {

    /** The matrix product behind the distances. */
    public enum Kernel { INT8, FLOAT32 }

    /** Values per image up to which int32 accumulation of centred int8 products is exact. */
    public static final int INT8_MAX_DIMENSION = (Integer.MAX_VALUE / (128 * 128));
    /** The core metric's limit (its own exact integer range); both kernels accept it. */
    public static final int MAX_DIMENSION = 66_051;
    private static final double UNIT_ROUNDOFF = Math.scalb(1.0, -24);
    private static final System.Logger LOG = System.getLogger(FastNearestNeighbours.class.getName());

    /**
     * @param kernel null: INT8 where the engine has it, else FLOAT32
     * @param sampleBlock samples per block (columns of one product)
     * @param trainingBlock training images per block (rows of one product)
     * @param candidates per-sample candidates of the FLOAT32 kernel (at least 2)
     * @param device null: the CPU
     */
    public record Options(Kernel kernel, int sampleBlock, int trainingBlock, int candidates, Device device) {
        public Options {
            if (sampleBlock < 1 || trainingBlock < 1 || candidates < 2) {
                throw new IllegalArgumentException("blocks must be positive and candidates at least 2");
            }
        }

        public static Options defaults() {
            return new Options(null, 1024, 2048, 8, null);
        }

        public Options withKernel(Kernel k) {
            return new Options(k, sampleBlock, trainingBlock, candidates, device);
        }

        public Options withBlocks(int samples, int training) {
            return new Options(kernel, samples, training, candidates, device);
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
            kernel = IntMatMul.available(device) ? Kernel.INT8 : Kernel.FLOAT32;
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
        Scan scan = kernel == Kernel.INT8
                ? new Int8Scan(samples, training, sampleNorms, trainingNorms, options, device, nearest, second, index)
                : new Float32Scan(samples, training, sampleNorms, trainingNorms, options, device, nearest, second,
                        index);
        scan.run();
        return new Result(new NeighbourDistances(nearest, second, index), kernel, scan.fallbacks, scan.gemmNanos,
                System.nanoTime() - start);
    }

    /** |p - 128|^2 of every image, exact. */
    static long[] centredNorms(ImageSet set) {
        int d = set.dimension();
        byte[] pixels = set.pixels();
        long[] norms = new long[set.size()];
        for (int i = 0; i < norms.length; i++) {
            long sum = 0;
            int offset = i * d;
            for (int j = 0; j < d; j++) {
                int v = (pixels[offset + j] & 0xFF) - 128;
                sum += v * v;
            }
            norms[i] = sum;
        }
        return norms;
    }

    /** Shared block bookkeeping: training blocks uploaded once, samples block by block. */
    private abstract static class Scan {
        final ImageSet samples;
        final ImageSet training;
        final long[] sampleNorms;
        final long[] trainingNorms;
        final Options options;
        final Device device;
        final long[] nearest;
        final long[] second;
        final int[] index;
        final int dimension;
        int fallbacks;
        long gemmNanos;

        Scan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms, Options options,
             Device device, long[] nearest, long[] second, int[] index) {
            this.samples = samples;
            this.training = training;
            this.sampleNorms = sampleNorms;
            this.trainingNorms = trainingNorms;
            this.options = options;
            this.device = device;
            this.nearest = nearest;
            this.second = second;
            this.index = index;
            this.dimension = samples.dimension();
        }

        void run() {
            int d = dimension;
            int trainingBlock = options.trainingBlock();
            int sampleBlock = options.sampleBlock();
            try (NDManager manager = NDManager.newBaseManager(device)) {
                // Training images as centred int8 rows, one array per block, uploaded once. Each
                // array is a torch-owned copy, so the staging buffer is reused.
                List<NDArray> blocks = new ArrayList<>();
                ByteBuffer staging = ByteBuffer.allocateDirect(Math.min(training.size(), trainingBlock) * d)
                        .order(ByteOrder.nativeOrder());
                for (int t0 = 0; t0 < training.size(); t0 += trainingBlock) {
                    int count = Math.min(trainingBlock, training.size() - t0);
                    staging.clear();
                    byte[] pixels = training.pixels();
                    for (int i = t0 * d, end = (t0 + count) * d; i < end; i++) {
                        staging.put((byte) (pixels[i] ^ 0x80));
                    }
                    staging.flip();
                    try (NDArray alias = manager.create(staging, new Shape(count, d), DataType.INT8)) {
                        blocks.add(alias.duplicate());
                    }
                }
                ByteBuffer columns = ByteBuffer.allocateDirect(Math.min(samples.size(), sampleBlock) * d)
                        .order(ByteOrder.nativeOrder());
                for (int s0 = 0; s0 < samples.size(); s0 += sampleBlock) {
                    int count = Math.min(sampleBlock, samples.size() - s0);
                    try (NDManager blockManager = manager.newSubManager()) {
                        NDArray sampleColumns = sampleColumns(blockManager, columns, s0, count);
                        startSampleBlock(s0, count);
                        int t0 = 0;
                        for (NDArray trainingRows : blocks) {
                            int rows = (int) trainingRows.getShape().get(0);
                            scanBlock(blockManager, trainingRows, sampleColumns, t0, rows, s0, count);
                            t0 += rows;
                        }
                        finishSampleBlock(s0, count);
                    }
                }
            }
        }

        /** The samples s0 .. s0+count-1 centred, transposed to [d, count] (the right factor of a product). */
        private NDArray sampleColumns(NDManager manager, ByteBuffer staging, int s0, int count) {
            int d = dimension;
            byte[] pixels = samples.pixels();
            byte[] transposed = new byte[count * d];
            for (int s = 0; s < count; s++) {
                int offset = (s0 + s) * d;
                for (int j = 0; j < d; j++) {
                    transposed[j * count + s] = (byte) (pixels[offset + j] ^ 0x80);
                }
            }
            staging.clear();
            staging.put(transposed).flip();
            try (NDArray alias = manager.create(staging, new Shape(d, count), DataType.INT8)) {
                return columnsForKernel(alias.duplicate());
            }
        }

        NDArray columnsForKernel(NDArray int8Columns) {
            return int8Columns;
        }

        abstract void startSampleBlock(int s0, int count);

        abstract void scanBlock(NDManager manager, NDArray trainingRows, NDArray sampleColumns, int t0, int rows,
                                int s0, int count);

        abstract void finishSampleBlock(int s0, int count);
    }

    /** Exact products; exact top-2 per sample in training index order. */
    private static final class Int8Scan extends Scan {

        private final IntMatMul product;
        private int[] dots = new int[0];

        Int8Scan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms, Options options,
                 Device device, long[] nearest, long[] second, int[] index) {
            super(samples, training, sampleNorms, trainingNorms, options, device, nearest, second, index);
            if (samples.dimension() > INT8_MAX_DIMENSION) {
                throw new IllegalArgumentException("the INT8 kernel is exact up to " + INT8_MAX_DIMENSION + " values");
            }
            this.product = IntMatMul.on(device);
        }

        @Override
        void startSampleBlock(int s0, int count) {
            Arrays.fill(nearest, s0, s0 + count, Long.MAX_VALUE);
            Arrays.fill(second, s0, s0 + count, Long.MAX_VALUE);
        }

        @Override
        void scanBlock(NDManager manager, NDArray trainingRows, NDArray sampleColumns, int t0, int rows, int s0,
                       int count) {
            long begin = System.nanoTime();
            int size = rows * count;
            if (dots.length < size) {
                dots = new int[size];
            }
            try (NDArray out = product.multiply(trainingRows, sampleColumns)) {
                // an aliasing view of the product (no copy in DJL), copied once into a reused array
                out.toByteBuffer(true).asIntBuffer().get(dots, 0, size);
            }
            gemmNanos += System.nanoTime() - begin;
            // Two column halves in parallel (the product already used every core and is done).
            int parts = count >= 256 ? 2 : 1;
            int width = (count + parts - 1) / parts;
            IntStream.range(0, parts).parallel().forEach(part ->
                    scanColumns(t0, rows, s0, count, part * width, Math.min(count, (part + 1) * width)));
        }

        private void scanColumns(int t0, int rows, int s0, int count, int from, int to) {
            // Rows are training images in index order, so the strict comparisons keep the first
            // index of the smallest distance, exactly as the core metric does.
            for (int t = 0; t < rows; t++) {
                long tn = trainingNorms[t0 + t];
                int row = t * count;
                for (int s = from; s < to; s++) {
                    int g = s0 + s;
                    TopTwo.offer(nearest, second, index, g, sampleNorms[g] + tn - 2L * dots[row + s], t0 + t);
                }
            }
        }

        @Override
        void finishSampleBlock(int s0, int count) {
        }
    }

    /** float32 products, running top-k candidates, exact re-check with a proven margin. */
    private static final class Float32Scan extends Scan {

        private final int k;
        private float[] dots = new float[0];
        private final double gamma;
        private final double maxTrainingNorm;
        /** per sample of the block: k candidates' approximate scores and indices, and the worst kept. */
        private double[] scores;
        private int[] candidates;
        private int[] filled;
        private double[] worst;

        Float32Scan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms, Options options,
                    Device device, long[] nearest, long[] second, int[] index) {
            super(samples, training, sampleNorms, trainingNorms, options, device, nearest, second, index);
            this.k = Math.min(options.candidates(), training.size());
            double ku = samples.dimension() * UNIT_ROUNDOFF;
            this.gamma = ku / (1 - ku);
            long max = 0;
            for (long norm : trainingNorms) {
                max = Math.max(max, norm);
            }
            this.maxTrainingNorm = Math.sqrt((double) max);
        }

        @Override
        NDArray columnsForKernel(NDArray int8Columns) {
            NDArray f = int8Columns.toType(DataType.FLOAT32, false);
            int8Columns.close();
            return f;
        }

        @Override
        void startSampleBlock(int s0, int count) {
            scores = new double[count * k];
            candidates = new int[count * k];
            filled = new int[count];
            worst = new double[count];
            Arrays.fill(worst, Double.POSITIVE_INFINITY);
        }

        @Override
        void scanBlock(NDManager manager, NDArray trainingRows, NDArray sampleColumns, int t0, int rows, int s0,
                       int count) {
            long begin = System.nanoTime();
            int size = rows * count;
            if (dots.length < size) {
                dots = new float[size];
            }
            try (NDArray rowsF = trainingRows.toType(DataType.FLOAT32, false);
                 NDArray out = rowsF.matMul(sampleColumns)) {
                out.toByteBuffer(true).asFloatBuffer().get(dots, 0, size);
            }
            gemmNanos += System.nanoTime() - begin;
            for (int t = 0; t < rows; t++) {
                double half = trainingNorms[t0 + t] * 0.5;
                int row = t * count;
                for (int s = 0; s < count; s++) {
                    double score = half - dots[row + s];
                    if (score < worst[s]) {
                        offer(s, score, t0 + t);
                    }
                }
            }
        }

        /** Keeps the k smallest approximate scores of sample s (unordered, worst tracked). */
        private void offer(int s, double score, int trainingIndex) {
            int base = s * k;
            if (filled[s] < k) {
                scores[base + filled[s]] = score;
                candidates[base + filled[s]] = trainingIndex;
                filled[s]++;
                if (filled[s] == k) {
                    worst[s] = max(base);
                }
                return;
            }
            int slot = base;
            for (int i = base + 1; i < base + k; i++) {
                if (scores[i] > scores[slot]) {
                    slot = i;
                }
            }
            scores[slot] = score;
            candidates[slot] = trainingIndex;
            worst[s] = max(base);
        }

        private double max(int base) {
            double m = scores[base];
            for (int i = base + 1; i < base + k; i++) {
                m = Math.max(m, scores[i]);
            }
            return m;
        }

        @Override
        void finishSampleBlock(int s0, int count) {
            int[] failed = IntStream.range(0, count).parallel().filter(s -> !certify(s0, s)).toArray();
            for (int s : failed) {
                exactScan(s0 + s);
            }
            fallbacks += failed.length;
        }

        /** Exact distances of the candidates; true when the margin proves them the top-2. */
        private boolean certify(int s0, int s) {
            int g = s0 + s;
            int base = s * k;
            int[] order = Arrays.copyOfRange(candidates, base, base + filled[s]);
            Arrays.sort(order);
            TopTwo.reset(nearest, second, index, g);
            for (int t : order) {
                TopTwo.offer(nearest, second, index, g, exactDistance(g, t), t);
            }
            if (filled[s] >= training.size()) {
                return true;
            }
            // Every image not kept has an approximate score >= worst kept, so its exact distance is
            // at least |x|^2 + 2 (worst - E). 1e-9 relative and 4 absolute cover the double
            // arithmetic of scores and of this bound (all terms are below 2^31).
            double error = gamma * Math.sqrt((double) sampleNorms[g]) * maxTrainingNorm * (1 + 1e-9) + 4;
            double lowerBound = sampleNorms[g] + 2 * (worst[s] - error);
            return lowerBound > second[g];
        }

        private long exactDistance(int sample, int trainingIndex) {
            byte[] a = samples.pixels();
            byte[] b = training.pixels();
            int d = dimension;
            int oa = sample * d;
            int ob = trainingIndex * d;
            long sum = 0;
            for (int j = 0; j < d; j++) {
                int diff = (a[oa + j] & 0xFF) - (b[ob + j] & 0xFF);
                sum += diff * diff;
            }
            return sum;
        }

        private void exactScan(int sample) {
            TopTwo.reset(nearest, second, index, sample);
            for (int t = 0; t < training.size(); t++) {
                TopTwo.offer(nearest, second, index, sample, exactDistance(sample, t), t);
            }
        }
    }
}
