package dev.emm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * numpy's {@code .npz}: a zip of {@code NAME.npy} files, each NPY format 1.0 (magic {@code \x93NUMPY},
 * version 1.0, a little-endian uint16 header length, a Python dict literal with {@code descr},
 * {@code fortran_order} and {@code shape}, padded with spaces and a newline to a multiple of 64
 * bytes, then the data in C order). What {@code numpy.load(path)[NAME]} reads.
 */
final class NumpyArchive implements AutoCloseable {

    private final ZipOutputStream zip;

    NumpyArchive(OutputStream target) {
        this.zip = new ZipOutputStream(target);
    }

    /** A uint8 array. */
    void add(String name, long[] shape, byte[] data) throws IOException {
        write(name, "|u1", shape, data);
    }

    /** An int64 array. */
    void add(String name, long[] shape, long[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        write(name, "<i8", shape, data.array());
    }

    private void write(String name, String descr, long[] shape, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npyHeader(descr, shape));
        zip.write(data);
        zip.closeEntry();
    }

    static byte[] npyHeader(String descr, long[] shape) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        StringBuilder header = new StringBuilder(dict);
        header.append(" ".repeat(total - unpadded)).append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        out.putShort((short) text.length).put(text);
        return out.array();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
