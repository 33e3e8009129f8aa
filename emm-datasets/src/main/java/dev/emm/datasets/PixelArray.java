package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import java.nio.file.Path;

/**
 * Fills the pixels of a dataset whose image count is known up front (zips, folders) in source
 * order; the array is allocated once, at its exact size, when the first image fixes the shape.
 */
final class PixelArray {

    private final Path file;
    private final int count;
    private int channels;
    private int height;
    private int width;
    private byte[] pixels;
    private int filled;

    PixelArray(Path file, int count) {
        this.file = file;
        this.count = count;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    void add(ImageDecoding.Decoded image, String entry) throws DatasetImportException {
        if (pixels == null) {
            long bytes = (long) count * image.chw().length;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw DatasetImportException.of(file, count + " images of " + image.channels() + "x" + image.height()
                        + "x" + image.width() + " exceed the 2 GiB limit of one dataset");
            }
            channels = image.channels();
            height = image.height();
            width = image.width();
            pixels = new byte[(int) bytes];
        } else if (image.channels() != channels || image.height() != height || image.width() != width) {
            throw new DatasetImportException(file, entry, "image is " + shape(image.channels(), image.height(),
                    image.width()) + " but the dataset's first image is " + shape(channels, height, width)
                    + "; all images of a dataset must share one shape (channels x height x width)");
        }
        System.arraycopy(image.chw(), 0, pixels, filled * image.chw().length, image.chw().length);
        filled++;
    }

    ImageSet toImageSet(int[] labels, int classCount) {
        if (filled != count || labels.length != count) {
            throw new IllegalStateException(filled + " of " + count + " images filled");
        }
        return new ImageSet(channels, height, width, classCount, labels, pixels);
    }

    private static String shape(int c, int h, int w) {
        return c + "x" + h + "x" + w + " (" + (c == 1 ? "grayscale" : c == 3 ? "RGB" : c + " channels") + ")";
    }
}
