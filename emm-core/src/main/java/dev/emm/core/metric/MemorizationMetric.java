package dev.emm.core.metric;

import dev.emm.core.data.ImageSet;
import java.util.stream.IntStream;

/**
 * Exact top-2 nearest training images of every sample, in uint8 pixel space, computed as
 * |x|^2 + |y|^2 - 2 x.y in blocks of samples times blocks of training images, so memory stays
 * bounded (never an N x M matrix) and every distance is an exact integer.
 */
public final class MemorizationMetric {

    private static final int SAMPLE_BLOCK = 64;
    private static final int TRAINING_BLOCK = 256;
    /** 255^2 * MAX_DIMENSION still fits an unsigned 32-bit dot product. */
    static final int MAX_DIMENSION = 66_051;

    private MemorizationMetric() {
    }

    public static NeighbourDistances nearestTwo(ImageSet samples, ImageSet training) {
        if (samples.dimension() != training.dimension()) {
            throw new IllegalArgumentException("samples have " + samples.dimension() + " values per image but the "
                    + "training images have " + training.dimension());
        }
        if (samples.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("images of " + samples.dimension() + " values exceed the exact "
                    + "integer range of the metric (" + MAX_DIMENSION + ")");
        }
        if (training.size() < 2) {
            throw new IllegalArgumentException("the metric needs at least 2 training images, got " + training.size());
        }
        int n = samples.size();
        long[] nearest = new long[n];
        long[] second = new long[n];
        int[] index = new int[n];
        long[] trainingNorms = squaredNorms(training);
        int blocks = (n + SAMPLE_BLOCK - 1) / SAMPLE_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(block ->
                scanBlock(samples, training, trainingNorms, block * SAMPLE_BLOCK,
                        Math.min(n, (block + 1) * SAMPLE_BLOCK), nearest, second, index));
        return new NeighbourDistances(nearest, second, index);
    }

    private static void scanBlock(ImageSet samples, ImageSet training, long[] trainingNorms, int from, int to,
            long[] nearest, long[] second, int[] index) {
        int dimension = samples.dimension();
        int rows = to - from;
        int[][] sampleRows = unpack(samples, from, rows);
        long[] sampleNorms = new long[rows];
        for (int r = 0; r < rows; r++) {
            sampleNorms[r] = dot(sampleRows[r], sampleRows[r], dimension);
            TopTwo.reset(nearest, second, index, from + r);
        }
        for (int start = 0; start < training.size(); start += TRAINING_BLOCK) {
            int count = Math.min(TRAINING_BLOCK, training.size() - start);
            int[][] trainingRows = unpack(training, start, count);
            for (int r = 0; r < rows; r++) {
                int s = from + r;
                for (int t = 0; t < count; t++) {
                    long distance = sampleNorms[r] + trainingNorms[start + t]
                            - 2L * dot(sampleRows[r], trainingRows[t], dimension);
                    TopTwo.offer(nearest, second, index, s, distance, start + t);
                }
            }
        }
    }

    /** Read as unsigned, the int sum is exact up to {@link #MAX_DIMENSION} values. */
    private static long dot(int[] a, int[] b, int dimension) {
        int sum = 0;
        for (int j = 0; j < dimension; j++) {
            sum += a[j] * b[j];
        }
        return sum & 0xFFFFFFFFL;
    }

    private static int[][] unpack(ImageSet set, int from, int count) {
        int dimension = set.dimension();
        byte[] pixels = set.pixels();
        int[][] rows = new int[count][dimension];
        for (int r = 0; r < count; r++) {
            int offset = (from + r) * dimension;
            for (int j = 0; j < dimension; j++) {
                rows[r][j] = pixels[offset + j] & 0xFF;
            }
        }
        return rows;
    }

    private static long[] squaredNorms(ImageSet set) {
        long[] norms = new long[set.size()];
        int dimension = set.dimension();
        byte[] pixels = set.pixels();
        for (int i = 0; i < set.size(); i++) {
            long sum = 0;
            for (int j = 0; j < dimension; j++) {
                int v = pixels[i * dimension + j] & 0xFF;
                sum += (long) v * v;
            }
            norms[i] = sum;
        }
        return norms;
    }
}
