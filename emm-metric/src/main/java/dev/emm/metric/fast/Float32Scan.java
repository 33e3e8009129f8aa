package dev.emm.metric.fast;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.TopTwo;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The {@link FastNearestNeighbours.Kernel#FLOAT32} kernel: float32 products, a running top-k of
 * candidates per sample by approximate score, then an exact integer re-check of the candidates
 * with a proven margin.
 *
 * <p>Centred values and their products are exact in float32; only the summation rounds, and for
 * any summation order (blocked, FMA) |fl(x.y) - x.y| <= gamma_K sum_i |x_i y_i| <= gamma_K |x| |y|
 * with gamma_K = K u / (1 - K u), u = 2^-24. With s_j = |y_j|^2 / 2 - x.y_j (so d_j = |x|^2 + 2 s_j)
 * and T the largest approximate score kept, every training image j that was not kept has
 * d_j >= |x|^2 + 2 (T - E) with E = gamma_K |x| max_j |y_j| (plus a margin for the double
 * arithmetic). If that bound exceeds the exact second-smallest distance among the candidates, no
 * other image can be nearest or second nearest or tie with the nearest, and the candidates' exact
 * distances are the answer. Otherwise that sample is rescanned exactly over all training images
 * (counted in {@link FastNearestNeighbours.Result#fallbacks()}).
 */
final class Float32Scan extends NeighbourScan {

    private static final double UNIT_ROUNDOFF = Math.scalb(1.0, -24);

    private final int k;
    private float[] dots = new float[0];
    private final double gamma;
    private final double maxTrainingNorm;
    /** per sample of the block: k candidates' approximate scores and indices, and the worst kept. */
    private double[] scores;
    private int[] candidates;
    private int[] filled;
    private double[] worst;

    Float32Scan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms,
            FastNearestNeighbours.Options options, Device device, long[] nearest, long[] second, int[] index) {
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

    /** Converted and centred once (every sample block multiplies every training block). */
    @Override
    NDArray trainingOperand(NDManager manager, ByteBuffer staging, int t0, int count) {
        return centred(manager, staging, training, t0, count);
    }

    /**
     * Sample rows [count, d], centred, passed transposed: a strided view, which the engine hands
     * to its sgemm as a transposed operand (no copy, no transposition in Java).
     */
    @Override
    NDArray sampleOperand(NDManager manager, ByteBuffer staging, int s0, int count) {
        return centred(manager, staging, samples, s0, count).transpose();
    }

    /**
     * Images from .. from+count-1 of {@code set} as float32 p - 128 (exact), [count, d]: the pixels
     * copied in bulk and converted and centred on the engine, in place.
     */
    private NDArray centred(NDManager manager, ByteBuffer staging, ImageSet set, int from, int count) {
        staging.clear();
        staging.put(set.pixels(), from * dimension, count * dimension).flip();
        try (NDArray pixels = manager.create(staging, new Shape(count, dimension), DataType.UINT8)) {
            return pixels.toType(DataType.FLOAT32, false).subi(128f);
        }
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
    void multiply(NDArray trainingRows, NDArray sampleColumns, int size) {
        if (dots.length < size) {
            dots = new float[size];
        }
        try (NDArray out = trainingRows.matMul(sampleColumns)) {
            out.toByteBuffer(true).asFloatBuffer().get(dots, 0, size);
        }
    }

    @Override
    void scanColumns(int t0, int rows, int s0, int count, int from, int to) {
        for (int t = 0; t < rows; t++) {
            double half = trainingNorms[t0 + t] * 0.5;
            int row = t * count;
            for (int s = from; s < to; s++) {
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
