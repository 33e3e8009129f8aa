package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A PNG contact sheet of a dataset: one row per class (class 0 on top), the first {@code perClass}
 * images of that class in source order from left to right, separated by a 2-pixel dark gray gap.
 * A class with fewer images leaves its remaining cells empty. Grayscale sets give a grayscale PNG,
 * RGB sets an RGB PNG.
 */
public final class PreviewGrid {

    public static final int GAP = 2;
    private static final int BACKGROUND = 32;

    private PreviewGrid() {
    }

    public static void write(ImageSet set, int perClass, Path png) throws IOException {
        write(set, perClass, 1, png);
    }

    /** As {@link #write(ImageSet, int, Path)}, each image enlarged {@code scale} times (nearest neighbour). */
    public static void write(ImageSet set, int perClass, int scale, Path png) throws IOException {
        BufferedImage image = render(set, perClass, scale);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    public static BufferedImage render(ImageSet set, int perClass, int scale) {
        if (perClass < 1 || scale < 1) {
            throw new IllegalArgumentException("perClass and scale must be >= 1");
        }
        int channels = set.channels();
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("preview needs 1 or 3 channels, the set has " + channels);
        }
        int tileH = set.height() * scale;
        int tileW = set.width() * scale;
        long width = GAP + (long) perClass * (tileW + GAP);
        long height = GAP + (long) set.classCount() * (tileH + GAP);
        if (width * height > 1L << 28) {
            throw new IllegalArgumentException("preview of " + width + "x" + height + " pixels is too large");
        }
        BufferedImage image = new BufferedImage((int) width, (int) height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = image.getRaster();
        for (int band = 0; band < channels; band++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    raster.setSample(x, y, band, BACKGROUND);
                }
            }
        }
        int[] placed = new int[set.classCount()];
        int area = set.height() * set.width();
        byte[] pixels = set.pixels();
        for (int i = 0; i < set.size(); i++) {
            int label = set.label(i);
            int column = placed[label];
            if (column >= perClass) {
                continue;
            }
            placed[label]++;
            int left = GAP + column * (tileW + GAP);
            int top = GAP + label * (tileH + GAP);
            int offset = i * set.dimension();
            for (int band = 0; band < channels; band++) {
                for (int y = 0; y < tileH; y++) {
                    for (int x = 0; x < tileW; x++) {
                        int value = pixels[offset + band * area + (y / scale) * set.width() + x / scale] & 0xFF;
                        raster.setSample(left + x, top + y, band, value);
                    }
                }
            }
        }
        return image;
    }
}
