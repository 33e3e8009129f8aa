package dev.emm.core.data;

/**
 * Brings images to a power-of-two resolution the way the paper's data are prepared: a side that is
 * not a power of two is zero-padded, centred, to the next one (MNIST 28 -> 32), then the image is
 * reduced by area averaging (each output pixel is the rounded mean of a k x k block). Upsampling
 * is refused: it would invent detail the metric then rewards.
 */
public final class Resampling {

    private Resampling() {
    }

    public static ImageSet toResolution(ImageSet source, int resolution) {
        ImageSet padded = padToPowerOfTwo(source);
        if (padded.height() == resolution && padded.width() == resolution) {
            return padded;
        }
        if (padded.height() != padded.width()) {
            throw new IllegalArgumentException("images are " + padded.height() + "x" + padded.width()
                    + " after padding; only square images can be resampled");
        }
        if (resolution > padded.height()) {
            throw new IllegalArgumentException("resolution " + resolution + " exceeds the dataset's "
                    + padded.height() + "x" + padded.width() + "; upsampling is not supported");
        }
        return areaDownsample(padded, padded.height() / resolution);
    }

    static ImageSet padToPowerOfTwo(ImageSet source) {
        int height = nextPowerOfTwo(source.height());
        int width = nextPowerOfTwo(source.width());
        if (height == source.height() && width == source.width()) {
            return source;
        }
        int side = Math.max(height, width);
        int top = (side - source.height()) / 2;
        int left = (side - source.width()) / 2;
        int channels = source.channels();
        byte[] from = source.pixels();
        byte[] to = new byte[source.size() * channels * side * side];
        for (int i = 0; i < source.size(); i++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < source.height(); y++) {
                    int src = ((i * channels + c) * source.height() + y) * source.width();
                    int dst = ((i * channels + c) * side + y + top) * side + left;
                    System.arraycopy(from, src, to, dst, source.width());
                }
            }
        }
        return new ImageSet(channels, side, side, source.classCount(), source.labels(), to);
    }

    private static ImageSet areaDownsample(ImageSet source, int factor) {
        int channels = source.channels();
        int side = source.height();
        int out = side / factor;
        int area = factor * factor;
        byte[] from = source.pixels();
        byte[] to = new byte[source.size() * channels * out * out];
        for (int plane = 0; plane < source.size() * channels; plane++) {
            int planeIn = plane * side * side;
            int planeOut = plane * out * out;
            for (int y = 0; y < out; y++) {
                for (int x = 0; x < out; x++) {
                    int sum = 0;
                    for (int dy = 0; dy < factor; dy++) {
                        int row = planeIn + (y * factor + dy) * side + x * factor;
                        for (int dx = 0; dx < factor; dx++) {
                            sum += from[row + dx] & 0xFF;
                        }
                    }
                    to[planeOut + y * out + x] = (byte) ((sum + area / 2) / area);
                }
            }
        }
        return new ImageSet(channels, out, out, source.classCount(), source.labels(), to);
    }

    private static int nextPowerOfTwo(int n) {
        return Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
    }
}
