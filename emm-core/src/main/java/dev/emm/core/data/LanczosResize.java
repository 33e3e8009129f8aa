package dev.emm.core.data;

/**
 * Pillow's {@code Image.resize(size, Image.LANCZOS)} on 8-bit images, computed as Pillow 9.4's
 * {@code libImaging/Resample.c} computes it, so that our images equal the ones the paper's
 * {@code dataset_tool.py} wrote, byte for byte (pinned against Pillow's own output in
 * LanczosResizeTest).
 *
 * <p>The filter is the truncated sinc, {@code sinc(x) sinc(x / 3)} on [-3, 3), stretched by the
 * scale when shrinking. It is separable: a horizontal pass rounds to 8 bits, then a vertical pass
 * reads those rounded bytes. Each output pixel's weights are computed in double, normalised to sum
 * 1, then turned into fixed point with 22 fractional bits (rounded half away from zero); a pass
 * accumulates {@code pixel x weight} in an int starting at one half and keeps bits 22 and up,
 * clipped to 0..255. Every channel is resized on its own with the same weights, so one instance
 * computes the weights of a size change once and resizes every plane of an image set with them.
 */
final class LanczosResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private final int inWidth;
    private final int inHeight;
    private final int outWidth;
    private final int outHeight;
    /** Null where the side keeps its size (that pass is skipped). */
    private final Weights horizontal;
    private final Weights vertical;

    LanczosResize(int inWidth, int inHeight, int outWidth, int outHeight) {
        this.inWidth = inWidth;
        this.inHeight = inHeight;
        this.outWidth = outWidth;
        this.outHeight = outHeight;
        this.horizontal = outWidth == inWidth ? null : weights(inWidth, outWidth);
        this.vertical = outHeight == inHeight ? null
                : inHeight == inWidth && outHeight == outWidth ? horizontal : weights(inHeight, outHeight);
    }

    /** Resizes one channel plane of {@code inWidth x inHeight} bytes, row-major. */
    static byte[] resizePlane(byte[] in, int inWidth, int inHeight, int outWidth, int outHeight) {
        return new LanczosResize(inWidth, inHeight, outWidth, outHeight).resize(in);
    }

    /** Resizes one channel plane of this instance's input size, row-major. */
    byte[] resize(byte[] in) {
        byte[] rows = horizontal == null ? in : horizontal(in, inWidth, inHeight, horizontal, outWidth);
        if (vertical == null) {
            return rows == in ? in.clone() : rows;
        }
        return vertical(rows, outWidth, vertical, outHeight);
    }

    /** For each output position, the first input index it reads, how many it reads, and their fixed-point weights. */
    private record Weights(int[] first, int[] count, int[][] fixed) {
    }

    private static Weights weights(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        double inverse = 1.0 / filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] fixed = new int[outSize][];
        for (int out = 0; out < outSize; out++) {
            double center = (out + 0.5) * scale;
            // Casts truncate toward zero, as C's do; Pillow names this rounding.
            int min = Math.max(0, (int) (center - support + 0.5));
            int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double[] w = new double[max];
            double total = 0.0;
            for (int x = 0; x < max; x++) {
                w[x] = lanczos((x + min - center + 0.5) * inverse);
                total += w[x];
            }
            int[] k = new int[max];
            for (int x = 0; x < max; x++) {
                double normalised = total != 0.0 ? w[x] / total : w[x];
                k[x] = normalised < 0 ? (int) (-0.5 + normalised * (1 << PRECISION_BITS))
                        : (int) (0.5 + normalised * (1 << PRECISION_BITS));
            }
            first[out] = min;
            count[out] = max;
            fixed[out] = k;
        }
        return new Weights(first, count, fixed);
    }

    private static double lanczos(double x) {
        if (-SUPPORT <= x && x < SUPPORT) {
            return sinc(x) * sinc(x / 3);
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double angle = x * Math.PI;
        return StrictMath.sin(angle) / angle;
    }

    private static byte[] horizontal(byte[] in, int inWidth, int height, Weights weights, int outWidth) {
        byte[] out = new byte[outWidth * height];
        for (int y = 0; y < height; y++) {
            int row = y * inWidth;
            for (int x = 0; x < outWidth; x++) {
                int[] k = weights.fixed()[x];
                int start = row + weights.first()[x];
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < weights.count()[x]; i++) {
                    sum += (in[start + i] & 0xFF) * k[i];
                }
                out[y * outWidth + x] = clip8(sum);
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int width, Weights weights, int outHeight) {
        byte[] out = new byte[width * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int[] k = weights.fixed()[y];
            int start = weights.first()[y];
            for (int x = 0; x < width; x++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int i = 0; i < weights.count()[y]; i++) {
                    sum += (in[(start + i) * width + x] & 0xFF) * k[i];
                }
                out[y * width + x] = clip8(sum);
            }
        }
        return out;
    }

    private static byte clip8(int sum) {
        return (byte) Math.min(255, Math.max(0, sum >> PRECISION_BITS));
    }
}
