package dev.emm.testsupport;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small datasets in their published formats, built in the test (docs/DATASETS.md). */
public final class DatasetArchives {

    public static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private DatasetArchives() {
    }

    /**
     * A CIFAR-10 "binary version" tar.gz, laid out as the published one ({@code cifar-10-batches-bin/},
     * {@code data_batch_1.bin}..{@code data_batch_5.bin}, {@code test_batch.bin}, {@code batches.meta.txt}):
     * {@code count} training images (a multiple of 50), image i of class i % 10, spread evenly over the five
     * batches, plus 10 test images. Each image is a seeded colour gradient, so a preview shows classes apart.
     */
    public static Path cifar10Binary(Path file, int count) throws IOException {
        if (count % 50 != 0) {
            throw new IllegalArgumentException("count must be a multiple of 50");
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int perBatch = count / 5;
        for (int batch = 1; batch <= 5; batch++) {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            for (int j = 0; j < perBatch; j++) {
                int i = (batch - 1) * perBatch + j;
                records.write(i % 10);
                records.writeBytes(cifarImage(i, i % 10));
            }
            entries.put("data_batch_" + batch + ".bin", records.toByteArray());
        }
        ByteArrayOutputStream test = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            test.write(i);
            test.writeBytes(cifarImage(100_000 + i, i));
        }
        entries.put("test_batch.bin", test.toByteArray());
        entries.put("batches.meta.txt", (String.join("\n", CIFAR10_NAMES) + "\n\n").getBytes(StandardCharsets.US_ASCII));
        entries.put("readme.html", "<html></html>".getBytes(StandardCharsets.US_ASCII));
        return tarGz(file, "cifar-10-batches-bin", entries);
    }

    /** 3x32x32 CHW: a gradient in a class colour with seeded noise. */
    public static byte[] cifarImage(long seed, int label) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] base = {(label * 97) % 256, (label * 57 + 80) % 256, (label * 151 + 160) % 256};
        byte[] chw = new byte[3 * 32 * 32];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int value = base[c] + (x + y) * 2 - 64 + random.nextInt(-12, 13);
                    chw[(c * 32 + y) * 32 + x] = (byte) Math.max(0, Math.min(255, value));
                }
            }
        }
        return chw;
    }

    public static Path tarGz(Path file, String folder, Map<String, byte[]> entries) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                GZIPOutputStream gzip = new GZIPOutputStream(raw);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.putArchiveEntry(new TarArchiveEntry(folder + "/"));
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

    /**
     * An EDM {@code dataset_tool} zip of grayscale {@code side x side} PNGs, {@code perClass} of each of
     * {@code classes} classes, image i of class i % classes: seeded noise with a white 4x4 top-left corner
     * (MNIST's corners are black, so a subset's images can be told apart by source).
     */
    public static Path edmZipGray(Path file, int classes, int perClass, int side) throws IOException {
        return edmZipGray(file, classes, perClass, side, 1000);
    }

    /** As {@link #edmZipGray(Path, int, int, int)}, image i's noise seeded with {@code seed + i}. */
    public static Path edmZipGray(Path file, int classes, int perClass, int side, long seed) throws IOException {
        int count = classes * perClass;
        StringBuilder labels = new StringBuilder("{\"labels\": [");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < count; i++) {
                String name = String.format("00000/img%08d.png", i);
                SplittableRandom random = new SplittableRandom(seed + i);
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        image.getRaster().setSample(x, y, 0, x < 4 && y < 4 ? 255 : random.nextInt(256));
                    }
                }
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(image, "png", png);
                zip.putNextEntry(new ZipEntry(name));
                zip.write(png.toByteArray());
                zip.closeEntry();
                labels.append(i == 0 ? "" : ", ").append("[\"").append(name).append("\", ").append(i % classes)
                        .append(']');
            }
            zip.putNextEntry(new ZipEntry("dataset.json"));
            zip.write(labels.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }

    /** An image folder: {@code classes} subfolders of {@code perClass} 4x4 RGB PNGs each. */
    public static Path imageFolder(Path folder, List<String> classes, int perClass) throws IOException {
        for (int c = 0; c < classes.size(); c++) {
            Path classFolder = Files.createDirectories(folder.resolve(classes.get(c)));
            for (int k = 0; k < perClass; k++) {
                BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        image.setRGB(x, y, (c * 80) << 16 | (k * 40) << 8 | (x * 60));
                    }
                }
                ImageIO.write(image, "png", classFolder.resolve(k + ".png").toFile());
            }
        }
        return folder;
    }

    /** MNIST IDX files {@code train-images-idx3-ubyte.gz} and {@code train-labels-idx1-ubyte.gz}: image i of class i % 10. */
    public static Path mnistIdx(Path folder, int count, int side) throws IOException {
        Files.createDirectories(folder);
        ByteArrayOutputStream images = new ByteArrayOutputStream();
        writeBe32(images, 0x00000803);
        writeBe32(images, count);
        writeBe32(images, side);
        writeBe32(images, side);
        ByteArrayOutputStream labels = new ByteArrayOutputStream();
        writeBe32(labels, 0x00000801);
        writeBe32(labels, count);
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < side * side; p++) {
                images.write((i * 7 + p) & 0xFF);
            }
            labels.write(i % 10);
        }
        Path imagesFile = folder.resolve("train-images-idx3-ubyte.gz");
        Files.write(imagesFile, gzip(images.toByteArray()));
        Files.write(folder.resolve("train-labels-idx1-ubyte.gz"), gzip(labels.toByteArray()));
        return imagesFile;
    }

    private static void writeBe32(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    public static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
