package dev.emm.core.data;

import dev.emm.core.spec.ResamplingMethod;

/**
 * Brings images to a power-of-two resolution the way the paper's data are prepared
 * ({@code dataset_tool.py}): a side that is not a power of two is zero-padded, centred, to the next
 * one (MNIST 28 -> 32, as its {@code open_mnist} does), then the image is reduced with
 * {@link ResamplingMethod#LANCZOS} (Pillow's LANCZOS resize, the paper's) or {@link ResamplingMethod#AREA} (each
 * output pixel the rounded mean of a k x k block). Upsampling is refused: it would invent detail
 * the metric then rewards. A mix source with {@code centerCrop} is instead cropped to its central
 * square and LANCZOS-resized up or down, as {@code dataset_tool.py --transform=center-crop} does.
 */
public final class Resampling {

    private Resampling() {
    }

    /** The images at {@code resolution} x {@code resolution}, reduced by {@code method} ({@code data.resampling}). */
    public static ImageSet toResolution(ImageSet source, int resolution, ResamplingMethod method) {
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
        // the padded image is square, so its central square is all of it: LANCZOS is the crop's resize
        return method == ResamplingMethod.AREA ? areaDownsample(padded, padded.height() / resolution)
                : centerCropTo(padded, resolution);
    }

    /**
     * The central square of each image (side min(height, width), offset floor((side - crop) / 2) on
     * each axis) LANCZOS-resized to {@code resolution}, larger or smaller: {@code dataset_tool.py}'s
     * {@code center_crop} transform, which the paper applies to the ImageNet images it mixes in.
     */
    public static ImageSet centerCropTo(ImageSet source, int resolution) {
        int crop = Math.min(source.height(), source.width());
        int top = (source.height() - crop) / 2;
        int left = (source.width() - crop) / 2;
        int channels = source.channels();
        byte[] from = source.pixels();
        byte[] to = new byte[Math.multiplyExact(source.size() * channels, resolution * resolution)];
        byte[] plane = new byte[crop * crop];
        LanczosResize resize = crop == resolution ? null : new LanczosResize(crop, crop, resolution, resolution);
        for (int p = 0; p < source.size() * channels; p++) {
            for (int y = 0; y < crop; y++) {
                System.arraycopy(from, (p * source.height() + top + y) * source.width() + left, plane, y * crop, crop);
            }
            byte[] resized = resize == null ? plane : resize.resize(plane);
            System.arraycopy(resized, 0, to, p * resolution * resolution, resolution * resolution);
        }
        return new ImageSet(channels, resolution, resolution, source.classCount(), source.labels(), to);
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
