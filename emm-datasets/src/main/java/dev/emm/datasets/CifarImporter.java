package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * CIFAR-10 and CIFAR-100 in their published "python version" (pickled batches) and "binary
 * version" tarballs. The archive is read once, as a stream; each batch is spooled to disk as it is
 * met, and the batches are assembled in their canonical order (data_batch_1..5 for CIFAR-10), which
 * is the source order of the dataset. Entries are matched by their base name in any folder.
 */
final class CifarImporter {

    static final int CHANNELS = 3;
    static final int SIDE = 32;
    static final int DIMENSION = CHANNELS * SIDE * SIDE;
    static final String LICENSE = "CIFAR-10/CIFAR-100 (Krizhevsky, 2009, \"Learning Multiple Layers of Features from"
            + " Tiny Images\"), imported from the user's own copy; EMM grants no rights to the images: use them under"
            + " the terms of the dataset's publishers";
    private static final long MAX_META_BYTES = 1 << 20;

    /** Where the parts of one format and split are, and how their labels are read. */
    private record Layout(List<String> parts, String meta, String metaKey, String labelsKey, int classCount,
            int recordSize, int labelOffset) {
        boolean python() {
            return recordSize == 0;
        }
    }

    private CifarImporter() {
    }

    static ImportedDataset importArchive(Path file, DatasetFormat format, ImportOptions options, String sha256)
            throws IOException {
        Layout layout = layout(format, options);
        List<String> classNames = null;
        TreeSet<String> seen = new TreeSet<>();
        try (PixelSpool spool = new PixelSpool(DIMENSION);
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                TarArchiveInputStream tar = new TarArchiveInputStream(maybeGunzip(raw))) {
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar, file)) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = entry.getName();
                String base = name.substring(name.lastIndexOf('/') + 1);
                seen.add(name);
                if (layout.parts.contains(base)) {
                    if (spool.has(base)) {
                        throw new DatasetImportException(file, name, "a second entry named " + base
                                + " (the archive holds two copies of one batch)");
                    }
                    try (PixelSpool.Part part = spool.part(base)) {
                        if (layout.python()) {
                            readPythonBatch(file, name, tar, entry.getSize(), layout, part);
                        } else {
                            readBinaryBatch(file, name, tar, entry.getSize(), layout, part);
                        }
                    }
                } else if (base.equals(layout.meta)) {
                    classNames = layout.python()
                            ? readPythonMeta(file, name, tar, entry.getSize(), layout)
                            : readTextMeta(file, name, tar, entry.getSize());
                    if (classNames.size() != layout.classCount) {
                        throw new DatasetImportException(file, name, "lists " + classNames.size()
                                + " class names, expected " + layout.classCount);
                    }
                }
            }
            for (String part : layout.parts) {
                if (!spool.has(part)) {
                    throw DatasetImportException.of(file, "the archive has no entry named " + part + ", which the "
                            + options.split().name().toLowerCase() + " split of " + format.wireName()
                            + " needs (truncated archive, or another format?); file entries found: "
                            + (seen.isEmpty() ? "none" : String.join(", ", seen)));
                }
            }
            ImageSet images = spool.assemble(layout.parts, CHANNELS, SIDE, SIDE, layout.classCount);
            if (images.size() == 0) {
                throw DatasetImportException.of(file, "the archive's batches hold no images");
            }
            if (classNames == null) {
                classNames = IntStream.range(0, layout.classCount).mapToObj(Integer::toString).toList();
            }
            return new ImportedDataset(images, classNames, format, sha256, options.license().orElse(LICENSE));
        }
    }

    private static Layout layout(DatasetFormat format, ImportOptions options) {
        boolean train = options.split() == ImportOptions.Split.TRAIN;
        boolean coarse = options.cifar100Labels() == ImportOptions.Cifar100Labels.COARSE;
        return switch (format) {
            case CIFAR10_PYTHON -> new Layout(
                    train ? List.of("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5")
                            : List.of("test_batch"),
                    "batches.meta", "label_names", "labels", 10, 0, 0);
            case CIFAR10_BINARY -> new Layout(
                    train ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                            "data_batch_5.bin") : List.of("test_batch.bin"),
                    "batches.meta.txt", null, null, 10, 1 + DIMENSION, 0);
            case CIFAR100_PYTHON -> new Layout(List.of(train ? "train" : "test"), "meta",
                    coarse ? "coarse_label_names" : "fine_label_names", coarse ? "coarse_labels" : "fine_labels",
                    coarse ? 20 : 100, 0, 0);
            case CIFAR100_BINARY -> new Layout(List.of(train ? "train.bin" : "test.bin"),
                    coarse ? "coarse_label_names.txt" : "fine_label_names.txt", null, null, coarse ? 20 : 100,
                    2 + DIMENSION, coarse ? 0 : 1);
            default -> throw new IllegalArgumentException(format + " is not a CIFAR format");
        };
    }

    static InputStream maybeGunzip(InputStream buffered) throws IOException {
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
                : buffered;
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Path file) throws DatasetImportException {
        try {
            return tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw new DatasetImportException(file, null, "corrupt or truncated archive: "
                    + ImageDecoding.rootMessage(e), e);
        }
    }

    private static void readPythonBatch(Path file, String name, InputStream in, long size, Layout layout,
            PixelSpool.Part part) throws IOException {
        Map<?, ?> batch = pickledDict(file, name, in, size);
        Object data = PickleReader.get(batch, "data");
        Object labelsValue = PickleReader.get(batch, layout.labelsKey);
        if (!(data instanceof PickleReader.NdArray array)) {
            throw new DatasetImportException(file, name, "the batch has no numpy array under 'data' (keys: "
                    + PickleReader.keys(batch) + ")");
        }
        if (labelsValue == null) {
            throw new DatasetImportException(file, name, "the batch has no '" + layout.labelsKey + "' (keys: "
                    + PickleReader.keys(batch) + ")");
        }
        if (array.shape.length != 2 || array.shape[1] != DIMENSION || array.dtype.typeCode() != 'u'
                || array.dtype.itemSize() != 1 || array.fortranOrder) {
            throw new DatasetImportException(file, name, "'data' is a " + array.describe()
                    + ", expected a C-order uint8 array of shape (N, " + DIMENSION + ")");
        }
        int count = array.shape[0];
        if (array.data.length != (long) count * DIMENSION) {
            throw new DatasetImportException(file, name, "'data' holds " + array.data.length + " bytes, but its shape "
                    + "needs " + (long) count * DIMENSION);
        }
        long[] raw;
        try {
            raw = PickleReader.integers(labelsValue);
        } catch (RuntimeException e) {
            throw new DatasetImportException(file, name, "'" + layout.labelsKey + "' is not a list of integers: "
                    + e.getMessage(), e);
        }
        if (raw.length != count) {
            throw new DatasetImportException(file, name, "mislabelled: " + raw.length + " entries in '"
                    + layout.labelsKey + "' for " + count + " images");
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = checkLabel(file, name, i, raw[i], layout.classCount);
        }
        part.addAll(labels, array.data);
    }

    private static List<String> readPythonMeta(Path file, String name, InputStream in, long size, Layout layout)
            throws IOException {
        if (size > MAX_META_BYTES) {
            throw new DatasetImportException(file, name, "meta entry of " + size + " bytes is implausibly large");
        }
        Map<?, ?> meta = pickledDict(file, name, in, size);
        Object names = PickleReader.get(meta, layout.metaKey);
        if (!(names instanceof List<?> list)) {
            throw new DatasetImportException(file, name, "no list '" + layout.metaKey + "' (keys: "
                    + PickleReader.keys(meta) + ")");
        }
        List<String> result = new ArrayList<>();
        for (Object item : list) {
            try {
                result.add(PickleReader.text(item));
            } catch (RuntimeException e) {
                throw new DatasetImportException(file, name, "'" + layout.metaKey + "' holds a non-string: " + item);
            }
        }
        return result;
    }

    private static Map<?, ?> pickledDict(Path file, String name, InputStream in, long size) throws IOException {
        Object root;
        try {
            root = PickleReader.load(in, size);
        } catch (IOException | RuntimeException e) {
            throw new DatasetImportException(file, name, "corrupt or truncated pickle: " + ImageDecoding.rootMessage(e),
                    e);
        }
        if (!(root instanceof Map<?, ?> dict)) {
            throw new DatasetImportException(file, name, "the pickle holds a "
                    + (root == null ? "None" : root.getClass().getSimpleName()) + ", expected a dict");
        }
        return dict;
    }

    private static void readBinaryBatch(Path file, String name, InputStream in, long size, Layout layout,
            PixelSpool.Part part) throws IOException {
        int recordSize = layout.recordSize;
        int labelBytes = recordSize - DIMENSION;
        if (size % recordSize != 0) {
            throw new DatasetImportException(file, name, "entry size " + size + " is not a multiple of the "
                    + recordSize + "-byte record (" + labelBytes + " label byte" + (labelBytes > 1 ? "s" : "")
                    + " + " + DIMENSION + " pixels): truncated or not " + (labelBytes == 1 ? "CIFAR-10" : "CIFAR-100")
                    + " binary");
        }
        long count = size / recordSize;
        byte[] record = new byte[recordSize];
        for (long i = 0; i < count; i++) {
            int read;
            try {
                read = in.readNBytes(record, 0, recordSize);
            } catch (IOException e) {
                throw new DatasetImportException(file, name, "corrupt or truncated archive inside record " + i + ": "
                        + ImageDecoding.rootMessage(e), e);
            }
            if (read != recordSize) {
                throw new DatasetImportException(file, name, "truncated: the entry ends inside record " + i + " of "
                        + count);
            }
            for (int b = 0; b < labelBytes; b++) {
                int max = labelBytes == 1 ? 10 : (b == 0 ? 20 : 100);
                if ((record[b] & 0xFF) >= max) {
                    throw new DatasetImportException(file, name, "mislabelled: record " + i + " has "
                            + (labelBytes == 2 ? (b == 0 ? "coarse " : "fine ") : "") + "label " + (record[b] & 0xFF)
                            + ", outside 0.." + (max - 1));
                }
            }
            part.add(record[layout.labelOffset] & 0xFF, record, labelBytes);
        }
    }

    private static List<String> readTextMeta(Path file, String name, InputStream in, long size) throws IOException {
        if (size > MAX_META_BYTES) {
            throw new DatasetImportException(file, name, "label-names entry of " + size + " bytes is implausibly large");
        }
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) size);
        } catch (IOException e) {
            throw new DatasetImportException(file, name, "corrupt or truncated archive: "
                    + ImageDecoding.rootMessage(e), e);
        }
        if (bytes.length != size) {
            throw new DatasetImportException(file, name, "truncated label-names entry");
        }
        return new String(bytes, StandardCharsets.UTF_8).lines().map(String::strip).filter(line -> !line.isEmpty())
                .toList();
    }

    private static int checkLabel(Path file, String name, int index, long label, int classCount)
            throws DatasetImportException {
        if (label < 0 || label >= classCount) {
            throw new DatasetImportException(file, name, "mislabelled: image " + index + " has label " + label
                    + ", outside 0.." + (classCount - 1));
        }
        return (int) label;
    }
}
