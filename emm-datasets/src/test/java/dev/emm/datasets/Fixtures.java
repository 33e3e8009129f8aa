package dev.emm.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import net.razorvine.pickle.IObjectPickler;
import net.razorvine.pickle.Pickler;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small datasets in the real published formats, byte for byte as their tools write them:
 * CIFAR pickles as Python 2 cPickle protocol 2 writes a dict of str keys holding a numpy array,
 * tar.gz archives, EDM zips of PNGs, IDX files.
 */
final class Fixtures {

    static final int CIFAR_DIM = 3 * 32 * 32;

    /** A Python 2 {@code str}: SHORT_BINSTRING below 256 bytes, BINSTRING above, as cPickle writes. */
    record Py2Str(byte[] bytes) {
        static Py2Str of(String text) {
            return new Py2Str(text.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** A numpy array, pickled as numpy writes it (_reconstruct, then BUILD with the state tuple). */
    record NumpyArray(int[] shape, String dtype, byte[] data, boolean py2) {
    }

    static {
        IObjectPickler str = (o, out, pickler) -> writePy2Str(out, ((Py2Str) o).bytes());
        Pickler.registerCustomPickler(Py2Str.class, str);
        IObjectPickler array = (o, out, pickler) -> {
            NumpyArray a = (NumpyArray) o;
            out.write('c');
            out.write("numpy.core.multiarray\n_reconstruct\n".getBytes(StandardCharsets.US_ASCII));
            out.write('c');
            out.write("numpy\nndarray\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {'K', 0, (byte) 0x85});
            writeText(out, "b", a.py2(), pickler);
            out.write(new byte[] {(byte) 0x87, 'R'});
            out.write('(');
            out.write(new byte[] {'K', 1});
            Object[] shape = Arrays.stream(a.shape()).boxed().toArray();
            pickler.save(shape);
            out.write('c');
            out.write("numpy\ndtype\n".getBytes(StandardCharsets.US_ASCII));
            writeText(out, a.dtype(), a.py2(), pickler);
            out.write(new byte[] {'K', 0, 'K', 1, (byte) 0x87, 'R'});
            out.write('(');
            out.write(new byte[] {'K', 3});
            writeText(out, a.dtype().startsWith("u1") ? "|" : "<", a.py2(), pickler);
            out.write(new byte[] {'N', 'N', 'N'});
            out.write(new byte[] {'J', -1, -1, -1, -1, 'J', -1, -1, -1, -1, 'K', 0, 't', 'b'});
            out.write((byte) 0x89);
            if (a.py2()) {
                writePy2Str(out, a.data());
            } else {
                writeBinBytes(out, a.data());
            }
            out.write(new byte[] {'t', 'b'});
        };
        Pickler.registerCustomPickler(NumpyArray.class, array);
    }

    private Fixtures() {
    }

    private static void writeText(OutputStream out, String text, boolean py2, Pickler pickler) throws IOException {
        if (py2) {
            writePy2Str(out, text.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            pickler.save(text);
        }
    }

    static void writePy2Str(OutputStream out, byte[] bytes) throws IOException {
        if (bytes.length < 256) {
            out.write('U');
            out.write(bytes.length);
        } else {
            out.write('T');
            writeLe32(out, bytes.length);
        }
        out.write(bytes);
    }

    private static void writeBinBytes(OutputStream out, byte[] bytes) throws IOException {
        out.write('B');
        writeLe32(out, bytes.length);
        out.write(bytes);
    }

    private static void writeLe32(OutputStream out, int value) throws IOException {
        out.write(value & 0xFF);
        out.write((value >>> 8) & 0xFF);
        out.write((value >>> 16) & 0xFF);
        out.write((value >>> 24) & 0xFF);
    }

    /** Deterministic images and labels: label i of n cycles with a twist so classes interleave unevenly. */
    record Images(int dim, byte[] pixels, int[] labels) {
        int size() {
            return labels.length;
        }

        byte[] image(int i) {
            return Arrays.copyOfRange(pixels, i * dim, (i + 1) * dim);
        }

        Images slice(int from, int to) {
            return new Images(dim, Arrays.copyOfRange(pixels, from * dim, to * dim), Arrays.copyOfRange(labels, from, to));
        }

        static Images concat(List<Images> parts) {
            ByteArrayOutputStream pixels = new ByteArrayOutputStream();
            List<Integer> labels = new ArrayList<>();
            for (Images part : parts) {
                pixels.writeBytes(part.pixels());
                Arrays.stream(part.labels()).forEach(labels::add);
            }
            return new Images(parts.get(0).dim(), pixels.toByteArray(), labels.stream().mapToInt(i -> i).toArray());
        }
    }

    static Images images(long seed, int count, int dim, int classes) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * dim];
        random.nextBytes(pixels);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(classes);
        }
        // Every class at least once, so class counts are not accidental.
        for (int c = 0; c < Math.min(classes, count); c++) {
            labels[(int) ((long) c * count / Math.min(classes, count))] = c;
        }
        return new Images(dim, pixels, labels);
    }

    // ---------------------------------------------------------------- pickles

    static byte[] pickle(Object value) throws IOException {
        return new Pickler(false).dumps(value);
    }

    /** A CIFAR-10 batch as the published pickle: {'batch_label', 'labels', 'data', 'filenames'} with str keys. */
    static byte[] cifar10Batch(String batchLabel, Images images) throws IOException {
        Map<Object, Object> batch = new LinkedHashMap<>();
        batch.put(Py2Str.of("batch_label"), Py2Str.of(batchLabel));
        batch.put(Py2Str.of("labels"), Arrays.stream(images.labels()).boxed().toList());
        batch.put(Py2Str.of("data"), new NumpyArray(new int[] {images.pixels().length / CIFAR_DIM, CIFAR_DIM}, "u1",
                images.pixels(), true));
        batch.put(Py2Str.of("filenames"), filenames(images.size()));
        return pickle(batch);
    }

    /** The same batch as Python 3 writes it with protocol 3: bytes keys, bytes data. */
    static byte[] cifar10BatchPy3(Images images) throws IOException {
        Map<Object, Object> batch = new LinkedHashMap<>();
        batch.put(new Py3Bytes("labels"), Arrays.stream(images.labels()).boxed().toList());
        batch.put(new Py3Bytes("data"), new NumpyArray(new int[] {images.size(), CIFAR_DIM}, "u1", images.pixels(),
                false));
        return pickle(batch);
    }

    record Py3Bytes(String text) {
    }

    static {
        Pickler.registerCustomPickler(Py3Bytes.class, (o, out, pickler) -> {
            byte[] bytes = ((Py3Bytes) o).text().getBytes(StandardCharsets.UTF_8);
            out.write('C');
            out.write(bytes.length);
            out.write(bytes);
        });
    }

    static byte[] cifar10Meta(List<String> names) throws IOException {
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put(Py2Str.of("num_cases_per_batch"), 10000);
        meta.put(Py2Str.of("label_names"), names.stream().map(Py2Str::of).toList());
        meta.put(Py2Str.of("num_vis"), CIFAR_DIM);
        return pickle(meta);
    }

    static byte[] cifar100Batch(String batchLabel, Images images, int[] coarse) throws IOException {
        Map<Object, Object> batch = new LinkedHashMap<>();
        batch.put(Py2Str.of("filenames"), filenames(images.size()));
        batch.put(Py2Str.of("batch_label"), Py2Str.of(batchLabel));
        batch.put(Py2Str.of("fine_labels"), Arrays.stream(images.labels()).boxed().toList());
        batch.put(Py2Str.of("coarse_labels"), Arrays.stream(coarse).boxed().toList());
        batch.put(Py2Str.of("data"), new NumpyArray(new int[] {images.size(), CIFAR_DIM}, "u1", images.pixels(), true));
        return pickle(batch);
    }

    static byte[] cifar100Meta(List<String> fine, List<String> coarse) throws IOException {
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put(Py2Str.of("fine_label_names"), fine.stream().map(Py2Str::of).toList());
        meta.put(Py2Str.of("coarse_label_names"), coarse.stream().map(Py2Str::of).toList());
        return pickle(meta);
    }

    private static List<Py2Str> filenames(int count) {
        List<Py2Str> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(Py2Str.of("img_" + i + ".png"));
        }
        return names;
    }

    static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(prefix + i);
        }
        return names;
    }

    // ---------------------------------------------------------------- CIFAR binary records

    static byte[] cifar10Records(Images images) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < images.size(); i++) {
            out.write(images.labels()[i]);
            out.writeBytes(images.image(i));
        }
        return out.toByteArray();
    }

    static byte[] cifar100Records(Images fine, int[] coarse) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fine.size(); i++) {
            out.write(coarse[i]);
            out.write(fine.labels()[i]);
            out.writeBytes(fine.image(i));
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- archives

    /** A tar.gz (or plain tar) with the entries in the given order, with a folder entry first as tar does. */
    static Path tar(Path file, String folder, Map<String, byte[]> entries, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream maybeGzip = gzip ? new GZIPOutputStream(raw) : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(maybeGzip)) {
            TarArchiveEntry dir = new TarArchiveEntry(folder + "/");
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry tarEntry = new TarArchiveEntry(folder + "/" + entry.getKey());
                tarEntry.setSize(entry.getValue().length);
                tar.putArchiveEntry(tarEntry);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    // ---------------------------------------------------------------- images

    /** A PNG of CHW pixels: grayscale for 1 channel, RGB for 3, RGBA (alpha given) for 4. */
    static byte[] png(byte[] chw, int channels, int height, int width) throws IOException {
        return encode(chw, channels, height, width, "png");
    }

    static byte[] encode(byte[] chw, int channels, int height, int width, String format) throws IOException {
        int type = switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_3BYTE_BGR;
            case 4 -> BufferedImage.TYPE_4BYTE_ABGR;
            default -> throw new IllegalArgumentException("channels " + channels);
        };
        BufferedImage image = new BufferedImage(width, height, type);
        WritableRaster raster = image.getRaster();
        int area = height * width;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    raster.setSample(x, y, c, chw[c * area + y * width + x] & 0xFF);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- IDX

    static byte[] idxImages(Images images, int rows, int cols) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBe32(out, 0x00000803);
        writeBe32(out, images.size());
        writeBe32(out, rows);
        writeBe32(out, cols);
        out.writeBytes(images.pixels());
        return out.toByteArray();
    }

    static byte[] idxLabels(int[] labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBe32(out, 0x00000801);
        writeBe32(out, labels.length);
        for (int label : labels) {
            out.write(label);
        }
        return out.toByteArray();
    }

    private static void writeBe32(ByteArrayOutputStream out, int value) {
        out.write((value >>> 24) & 0xFF);
        out.write((value >>> 16) & 0xFF);
        out.write((value >>> 8) & 0xFF);
        out.write(value & 0xFF);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    static int[] countPerClass(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }
}
