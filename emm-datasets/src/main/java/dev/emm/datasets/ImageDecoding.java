package dev.emm.datasets;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one PNG or JPEG into uint8 CHW pixels with one rule for every importer (docs/DATASETS.md):
 * grayscale stays 1 channel, colour becomes 3 (R, G, B); samples are taken as stored, with no colour
 * management; an alpha channel is accepted only when every pixel is fully opaque, and is then
 * dropped; palette images are expanded through their palette (to 1 channel when every palette
 * entry is gray, else to 3); samples of fewer than 8 bits are scaled to 0..255; 16-bit samples
 * and CMYK images are refused.
 */
final class ImageDecoding {

    /** The largest accepted side, checked from the header before any pixel is decoded. */
    static final int MAX_SIDE = 8192;

    record Decoded(int channels, int height, int width, byte[] chw) {
    }

    private ImageDecoding() {
    }

    /** The largest accepted image file; images of a training set are far smaller. */
    static final int MAX_FILE_BYTES = 64 << 20;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * One image of a folder or zip as the dataset stores it: decoded and checked against the shape
     * of the images before it, or, with the {@code centerCrop} option, decoded at any shape and
     * centre-cropped to the option's side.
     */
    static Decoded decodeForImport(InputStream in, long size, PixelArray pixels, ImportOptions options,
            Function<String, DatasetImportException> fail) throws IOException {
        if (options.centerCrop().isEmpty()) {
            return decode(in, size, pixels.height(), pixels.width(), fail);
        }
        return CenterCrop.apply(decode(in, size, 0, 0, fail), options.centerCrop().getAsInt());
    }

    /**
     * Reads the whole image file (at most {@link #MAX_FILE_BYTES}), checks a PNG's chunk structure
     * and CRCs (ImageIO accepts a PNG cut after its last pixel row), then decodes it.
     */
    static Decoded decode(InputStream in, long size, int height, int width,
            Function<String, DatasetImportException> fail) throws IOException {
        if (size > MAX_FILE_BYTES) {
            throw fail.apply("image file of " + size + " bytes is larger than " + MAX_FILE_BYTES);
        }
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw fail.apply("image file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        if (bytes.length >= 8 && java.util.Arrays.equals(bytes, 0, 8, PNG_SIGNATURE, 0, 8)) {
            checkPng(bytes, fail);
        }
        return decode(new java.io.ByteArrayInputStream(bytes), height, width, fail);
    }

    /** Walks the chunks: each must fit in the file and match its CRC-32; IHDR first, IEND last. */
    static void checkPng(byte[] png, Function<String, DatasetImportException> fail) throws DatasetImportException {
        int pos = 8;
        boolean first = true;
        while (true) {
            if (pos + 8 > png.length) {
                throw fail.apply("truncated png: the file ends at byte " + png.length + " before its IEND chunk");
            }
            long length = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(png, pos, 4).getInt());
            String type = new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (first && !type.equals("IHDR")) {
                throw fail.apply("corrupt png: the first chunk is '" + type + "', not IHDR");
            }
            first = false;
            if (pos + 12 + length > png.length) {
                throw fail.apply("truncated png: chunk " + type + " at byte " + pos + " declares " + length
                        + " bytes but the file ends at byte " + png.length);
            }
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(png, pos + 4, 4 + (int) length);
            long stored = Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(png, pos + 8 + (int) length, 4).getInt());
            if (crc.getValue() != stored) {
                throw fail.apply("corrupt png: CRC mismatch in chunk " + type + " at byte " + pos);
            }
            pos += 12 + (int) length;
            if (type.equals("IEND")) {
                return;
            }
        }
    }

    /**
     * Decodes the image in {@code in}. When {@code height}/{@code width} are positive the image must
     * have that size; this is checked from the header, before decoding. {@code fail} turns a problem
     * into an exception that names the file.
     */
    static Decoded decode(InputStream in, int height, int width, Function<String, DatasetImportException> fail)
            throws IOException {
        ImageInputStream stream = ImageIO.createImageInputStream(in);
        if (stream == null) {
            throw fail.apply("cannot open image stream");
        }
        try (stream) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
            if (!readers.hasNext()) {
                throw fail.apply("not a PNG or JPEG image (no decoder recognises its content)");
            }
            ImageReader reader = readers.next();
            try {
                String formatName = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!formatName.equals("png") && !formatName.equals("jpeg")) {
                    throw fail.apply("is a " + formatName + " image; only PNG and JPEG are imported");
                }
                reader.setInput(stream, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                int w;
                int h;
                BufferedImage image;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                    if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE) {
                        throw fail.apply("image size " + w + "x" + h + " is outside 1.." + MAX_SIDE);
                    }
                    if (height > 0 && (h != height || w != width)) {
                        throw fail.apply("image is " + h + "x" + w + " (height x width) but the dataset's images are "
                                + height + "x" + width + "; all images of a dataset must share one shape");
                    }
                    image = reader.read(0);
                } catch (DatasetImportException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw withCause(fail.apply("corrupt or truncated " + formatName + " image: " + rootMessage(e)), e);
                }
                if (!warnings.isEmpty()) {
                    throw fail.apply("corrupt or truncated " + formatName + " image: " + String.join("; ", warnings));
                }
                return toChw(image, fail);
            } finally {
                reader.dispose();
            }
        }
    }

    private static Decoded toChw(BufferedImage image, Function<String, DatasetImportException> fail)
            throws DatasetImportException {
        int w = image.getWidth();
        int h = image.getHeight();
        int area = w * h;
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel palette) {
            return fromPalette(palette, raster, h, w, fail);
        }
        int[] sizes = model.getComponentSize();
        for (int size : sizes) {
            if (size > 8) {
                throw fail.apply(size + "-bit samples are not supported; convert the images to 8 bits per channel");
            }
        }
        int colourBands;
        int type = model.getColorSpace().getType();
        if (type == ColorSpace.TYPE_GRAY) {
            colourBands = 1;
        } else if (type == ColorSpace.TYPE_RGB) {
            colourBands = 3;
        } else {
            throw fail.apply("unsupported colour space with " + model.getNumColorComponents()
                    + " components (CMYK/YCCK?); convert the images to RGB or grayscale");
        }
        if (raster.getNumBands() != colourBands + (model.hasAlpha() ? 1 : 0)) {
            throw fail.apply("unexpected layout: " + raster.getNumBands() + " bands for " + colourBands
                    + " colour channels");
        }
        if (model.hasAlpha()) {
            int alphaBand = colourBands;
            int opaque = (1 << sizes[alphaBand]) - 1;
            int[] alpha = raster.getSamples(0, 0, w, h, alphaBand, new int[area]);
            for (int i = 0; i < area; i++) {
                if (alpha[i] != opaque) {
                    throw fail.apply("has transparent pixels (alpha " + alpha[i] + " of " + opaque + " at x=" + (i % w)
                            + ", y=" + (i / w) + "); only fully opaque alpha channels are accepted (and dropped)");
                }
            }
        }
        byte[] chw = new byte[colourBands * area];
        int[] samples = new int[area];
        for (int band = 0; band < colourBands; band++) {
            raster.getSamples(0, 0, w, h, band, samples);
            int max = (1 << sizes[band]) - 1;
            int offset = band * area;
            for (int i = 0; i < area; i++) {
                int value = max == 255 ? samples[i] : (samples[i] * 255 + max / 2) / max;
                chw[offset + i] = (byte) value;
            }
        }
        return new Decoded(colourBands, h, w, chw);
    }

    private static Decoded fromPalette(IndexColorModel palette, Raster raster, int h, int w,
            Function<String, DatasetImportException> fail) throws DatasetImportException {
        int area = w * h;
        int entries = palette.getMapSize();
        boolean gray = true;
        for (int i = 0; i < entries; i++) {
            int r = palette.getRed(i);
            if (r != palette.getGreen(i) || r != palette.getBlue(i)) {
                gray = false;
                break;
            }
        }
        int[] index = raster.getSamples(0, 0, w, h, 0, new int[area]);
        int channels = gray ? 1 : 3;
        byte[] chw = new byte[channels * area];
        for (int i = 0; i < area; i++) {
            int entry = index[i];
            if (palette.getAlpha(entry) != 255) {
                throw fail.apply("has transparent pixels (palette alpha " + palette.getAlpha(entry) + " at x=" + (i % w)
                        + ", y=" + (i / w) + "); only fully opaque images are accepted");
            }
            chw[i] = (byte) palette.getRed(entry);
            if (!gray) {
                chw[area + i] = (byte) palette.getGreen(entry);
                chw[2 * area + i] = (byte) palette.getBlue(entry);
            }
        }
        return new Decoded(channels, h, w, chw);
    }

    private static DatasetImportException withCause(DatasetImportException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        String message = e.getMessage();
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            if (root.getMessage() != null) {
                message = message == null ? root.getMessage() : message + " (" + root.getMessage() + ")";
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
