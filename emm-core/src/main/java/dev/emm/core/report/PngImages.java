package dev.emm.core.report;

import dev.emm.core.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** One image of an {@link ImageSet} (uint8, CHW, 1 or 3 channels) as an 8-bit PNG. */
public final class PngImages {

    private PngImages() {
    }

    static BufferedImage raster(ImageSet images, int index) {
        int c = images.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("PNG needs 1 or 3 channels, the images have " + c);
        }
        int h = images.height();
        int w = images.width();
        byte[] chw = images.image(index);
        BufferedImage image = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        int[] pixel = new int[c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    pixel[ch] = chw[(ch * h + y) * w + x] & 0xFF;
                }
                image.getRaster().setPixel(x, y, pixel);
            }
        }
        return image;
    }

    public static byte[] png(ImageSet images, int index) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(raster(images, index), "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String dataUri(ImageSet images, int index) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(images, index));
    }
}
