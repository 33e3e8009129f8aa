package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.data.ImageSet;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewGridTest {

    @TempDir
    Path dir;

    @Test
    void rgbGridHasARowPerClassWithTheFirstImagesOfThatClass() throws Exception {
        Fixtures.Images images = Fixtures.images(50, 20, 3 * 4 * 5, 3);
        ImageSet set = new ImageSet(3, 4, 5, 3, images.labels(), images.pixels());
        Path png = dir.resolve("out/preview.png");
        PreviewGrid.write(set, 2, png);

        BufferedImage read = ImageIO.read(png.toFile());
        int gap = PreviewGrid.GAP;
        assertEquals(gap + 2 * (5 + gap), read.getWidth());
        assertEquals(gap + 3 * (4 + gap), read.getHeight());
        Raster raster = read.getRaster();
        int[] placed = new int[3];
        for (int i = 0; i < set.size(); i++) {
            int label = set.label(i);
            if (placed[label] == 2) {
                continue;
            }
            int left = gap + placed[label]++ * (5 + gap);
            int top = gap + label * (4 + gap);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 5; x++) {
                        assertEquals(set.pixels()[i * 60 + c * 20 + y * 5 + x] & 0xFF,
                                raster.getSample(left + x, top + y, c), "image " + i + " channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void grayscaleGridIsGrayAndScales() throws Exception {
        byte[] pixels = {10, 20, 30, 40};
        ImageSet set = new ImageSet(1, 2, 2, 1, new int[] {0}, pixels);
        Path png = dir.resolve("gray.png");
        PreviewGrid.write(set, 3, 2, png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, read.getType());
        assertEquals(2 + 3 * (4 + 2), read.getWidth());
        assertEquals(2 + 4 + 2, read.getHeight());
        assertEquals(10, read.getRaster().getSample(2, 2, 0));
        assertEquals(10, read.getRaster().getSample(3, 3, 0));
        assertEquals(20, read.getRaster().getSample(4, 2, 0));
        assertEquals(40, read.getRaster().getSample(5, 5, 0));
        assertEquals(32, read.getRaster().getSample(10, 3, 0), "an empty cell is background");
    }
}
