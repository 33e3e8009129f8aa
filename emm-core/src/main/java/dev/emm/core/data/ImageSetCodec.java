package dev.emm.core.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * EMM's dataset layout, version 1 (docs/STORAGE.md), stored gzip-compressed: the ASCII magic
 * {@code EMMDS}, a version byte, then big-endian int32 count, uint16 channels, height, width and
 * class count, {@code count} uint16 labels, and {@code count * C*H*W} uint8 pixels in CHW order.
 */
public final class ImageSetCodec {

    public static final int VERSION = 1;
    private static final byte[] MAGIC = {'E', 'M', 'M', 'D', 'S'};

    private ImageSetCodec() {
    }

    public static void write(ImageSet set, OutputStream target) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(target, 1 << 16);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gzip, 1 << 16));
        out.write(MAGIC);
        out.writeByte(VERSION);
        out.writeInt(set.size());
        out.writeShort(set.channels());
        out.writeShort(set.height());
        out.writeShort(set.width());
        out.writeShort(set.classCount());
        for (int i = 0; i < set.size(); i++) {
            out.writeShort(set.label(i));
        }
        out.write(set.pixels());
        out.flush();
        gzip.finish();
    }

    public static byte[] toBytes(ImageSet set) {
        var buffer = new java.io.ByteArrayOutputStream();
        try {
            write(set, buffer);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /**
     * Reads one image set; an {@link IOException} says what is wrong with the data: not gzip, not
     * EMMDS, a version this build does not read, or truncated (where it ends: inside the header, or
     * before the images its header announces).
     */
    public static ImageSet read(InputStream source) throws IOException {
        int count = -1;
        int channels = 0;
        int height = 0;
        int width = 0;
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(source, 1 << 16), 1 << 16));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an EMM dataset: bad magic");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("unsupported EMM dataset version " + version + " (this build reads " + VERSION + ")");
            }
            int announced = in.readInt();
            channels = in.readUnsignedShort();
            height = in.readUnsignedShort();
            width = in.readUnsignedShort();
            int classCount = in.readUnsignedShort();
            if (announced < 0) {
                throw new IOException("negative image count " + announced);
            }
            count = announced;
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readUnsignedShort();
            }
            byte[] pixels = new byte[Math.multiplyExact(count, channels * height * width)];
            in.readFully(pixels);
            if (in.read() != -1) {
                throw new IOException("trailing bytes after " + count + " images");
            }
            return new ImageSet(channels, height, width, classCount, labels, pixels);
        } catch (EOFException e) {
            throw new IOException(count < 0 ? "truncated EMM dataset: the data ends inside its header"
                    : "truncated EMM dataset: the data ends before the " + count + " images of " + channels + "x"
                            + height + "x" + width + " its header announces", e);
        } catch (IllegalArgumentException e) {
            throw new IOException("inconsistent EMM dataset: " + e.getMessage(), e);
        }
    }

    public static ImageSet fromBytes(byte[] bytes) throws IOException {
        return read(new java.io.ByteArrayInputStream(bytes));
    }
}
