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

/**
 * The {@link FastNearestNeighbours.Kernel#INT8} kernel: libtorch's exact int8 x int8 -> int32
 * product ({@link IntMatMul}). |x_c . y_c| <= 128^2 K < 2^31 for K up to 131,071 values, so every
 * distance is an exact integer and the top-2 scan in training index order decides ties exactly as
 * the core metric does.
 */
final class Int8Scan extends NeighbourScan {

    /** Values per image up to which int32 accumulation of centred int8 products is exact. */
    static final int MAX_DIMENSION = Integer.MAX_VALUE / (128 * 128);

    private final IntMatMul product;
    private int[] dots = new int[0];

    Int8Scan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms,
            FastNearestNeighbours.Options options, Device device, long[] nearest, long[] second, int[] index) {
        super(samples, training, sampleNorms, trainingNorms, options, device, nearest, second, index);
        if (samples.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("the INT8 kernel is exact up to " + MAX_DIMENSION + " values");
        }
        this.product = IntMatMul.on(device);
    }

    /** Centred in Java: p XOR 0x80 read as a signed byte is p - 128. */
    @Override
    NDArray trainingOperand(NDManager manager, ByteBuffer staging, int t0, int count) {
        byte[] pixels = training.pixels();
        staging.clear();
        for (int i = t0 * dimension, end = (t0 + count) * dimension; i < end; i++) {
            staging.put((byte) (pixels[i] ^ 0x80));
        }
        staging.flip();
        try (NDArray alias = manager.create(staging, new Shape(count, dimension), DataType.INT8)) {
            return alias.duplicate();
        }
    }

    /** The samples centred and transposed in Java to int8 columns [d, count], as _int_mm takes them. */
    @Override
    NDArray sampleOperand(NDManager manager, ByteBuffer staging, int s0, int count) {
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
            return alias.duplicate();
        }
    }

    @Override
    void startSampleBlock(int s0, int count) {
        Arrays.fill(nearest, s0, s0 + count, Long.MAX_VALUE);
        Arrays.fill(second, s0, s0 + count, Long.MAX_VALUE);
    }

    @Override
    void multiply(NDArray trainingRows, NDArray sampleColumns, int size) {
        if (dots.length < size) {
            dots = new int[size];
        }
        try (NDArray out = product.multiply(trainingRows, sampleColumns)) {
            // an aliasing view of the product (no copy in DJL), copied once into a reused array
            out.toByteBuffer(true).asIntBuffer().get(dots, 0, size);
        }
    }

    @Override
    void scanColumns(int t0, int rows, int s0, int count, int from, int to) {
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
