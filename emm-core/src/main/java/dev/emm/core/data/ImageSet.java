package dev.emm.core.data;

import java.util.Arrays;

/**
 * Images as uint8 pixels in CHW order, one row per image, with an integer class label each.
 * This is the in-memory form of EMM's dataset layout (see {@link ImageSetCodec}).
 */
public final class ImageSet {

    private final int channels;
    private final int height;
    private final int width;
    private final int classCount;
    private final int[] labels;
    private final byte[] pixels;

    public ImageSet(int channels, int height, int width, int classCount, int[] labels, byte[] pixels) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image shape " + channels + "x" + height + "x" + width);
        }
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " does not match " + labels.length
                    + " images of " + channels + "x" + height + "x" + width);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classCount) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + classCount + ")");
            }
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classCount = classCount;
        this.labels = labels;
        this.pixels = pixels;
    }

    public int size() {
        return labels.length;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int classCount() {
        return classCount;
    }

    public int dimension() {
        return channels * height * width;
    }

    public int label(int index) {
        return labels[index];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** The backing pixel array (no copy): rows of {@link #dimension()} bytes, read as unsigned. */
    public byte[] pixels() {
        return pixels;
    }

    public byte[] image(int index) {
        int d = dimension();
        return Arrays.copyOfRange(pixels, index * d, (index + 1) * d);
    }

    /** Images {@code from .. to - 1}, in order (a copy). */
    public ImageSet range(int from, int to) {
        if (from < 0 || from > to || to > size()) {
            throw new IllegalArgumentException("range " + from + ".." + to + " of " + size() + " images");
        }
        int d = dimension();
        return new ImageSet(channels, height, width, classCount, Arrays.copyOfRange(labels, from, to),
                Arrays.copyOfRange(pixels, from * d, to * d));
    }

    /** These images followed by {@code more}, which must have the same shape and class count. */
    public ImageSet followedBy(ImageSet more) {
        if (more.channels != channels || more.height != height || more.width != width
                || more.classCount != classCount) {
            throw new IllegalArgumentException("cannot append images of " + more.channels + "x" + more.height + "x"
                    + more.width + " (" + more.classCount + " classes) to " + channels + "x" + height + "x" + width
                    + " (" + classCount + " classes)");
        }
        int[] joinedLabels = Arrays.copyOf(labels, size() + more.size());
        System.arraycopy(more.labels, 0, joinedLabels, size(), more.size());
        byte[] joinedPixels = Arrays.copyOf(pixels, pixels.length + more.pixels.length);
        System.arraycopy(more.pixels, 0, joinedPixels, pixels.length, more.pixels.length);
        return new ImageSet(channels, height, width, classCount, joinedLabels, joinedPixels);
    }

    public int[] countPerClass() {
        int[] counts = new int[classCount];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** The image in data scale [-1, 1] as used by models: pixel / 127.5 - 1. */
    public double[] imageAsDataScale(int index) {
        int d = dimension();
        double[] row = new double[d];
        int offset = index * d;
        for (int j = 0; j < d; j++) {
            row[j] = (pixels[offset + j] & 0xFF) / 127.5 - 1.0;
        }
        return row;
    }
}
