package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files: an images file (magic 0x00000803: unsigned bytes, 3 dimensions N x rows x
 * cols) and a labels file (0x00000801: unsigned bytes, N), each gzipped or not. The input is the
 * images file (its labels are found beside it by the standard name, {@code images-idx3} ->
 * {@code labels-idx1}, or given with {@link ImportOptions#labelsFile()}), the labels file (the
 * images are found the same way), or a folder holding the standard files of both splits. Images
 * are 1 channel; the class count is the largest label plus one. The source digest is the tree digest
 * of the images file then the labels file, each under its base name.
 */
final class MnistIdxImporter {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    static final String LICENSE = "MNIST-format IDX files (MNIST: LeCun, Cortes and Burges), imported from the user's"
            + " own copy; use under the terms of the dataset's publishers";

    private MnistIdxImporter() {
    }

    static boolean looksLikeIdxName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("idx3-ubyte") || lower.contains("idx1-ubyte");
    }

    static ImportedDataset importIdx(Path input, ImportOptions options) throws IOException {
        Path images;
        Path labels;
        if (Files.isDirectory(input)) {
            images = findInFolder(input, options.split(), true);
            labels = options.labelsFile().isPresent() ? options.labelsFile().get()
                    : findInFolder(input, options.split(), false);
        } else {
            int magic = magic(input);
            if (magic == IMAGES_MAGIC) {
                images = input;
                labels = options.labelsFile().isPresent() ? options.labelsFile().get() : sibling(input, true);
            } else if (magic == LABELS_MAGIC) {
                labels = input;
                images = sibling(input, false);
            } else {
                throw DatasetImportException.of(input, String.format("not an MNIST IDX file: magic 0x%08x, expected "
                        + "0x%08x (images) or 0x%08x (labels)", magic, IMAGES_MAGIC, LABELS_MAGIC));
            }
        }
        int[] labelValues = readLabels(labels);
        ImageSet set = readImages(images, labelValues, labels);
        List<String> classNames = IntStream.range(0, set.classCount()).mapToObj(Integer::toString).toList();
        String sha256 = Sha256.ofTree(List.of(images.getFileName().toString(), labels.getFileName().toString()),
                List.of(images, labels));
        return new ImportedDataset(set, classNames, DatasetFormat.MNIST_IDX, sha256, options.license().orElse(LICENSE));
    }

    private static Path findInFolder(Path folder, ImportOptions.Split split, boolean wantImages) throws IOException {
        List<Path> matches = new ArrayList<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.sorted().toList()) {
                String name = child.getFileName().toString().toLowerCase(Locale.ROOT);
                boolean splitMatches = split == ImportOptions.Split.TRAIN ? name.startsWith("train")
                        : name.startsWith("t10k") || name.startsWith("test");
                boolean kindMatches = wantImages ? name.contains("images") && name.contains("idx3")
                        : name.contains("labels") && name.contains("idx1");
                if (splitMatches && kindMatches && Files.isRegularFile(child)) {
                    matches.add(child);
                }
            }
        }
        String what = (split == ImportOptions.Split.TRAIN ? "train" : "t10k") + "-" + (wantImages ? "images-idx3"
                : "labels-idx1") + "-ubyte[.gz]";
        if (matches.isEmpty()) {
            throw DatasetImportException.of(folder, "no " + what + " file in this folder");
        }
        if (matches.size() > 1) {
            throw DatasetImportException.of(folder, "several candidates for " + what + ": " + matches.stream()
                    .map(p -> p.getFileName().toString()).toList() + "; keep one, or pass the files themselves");
        }
        return matches.get(0);
    }

    /** The labels file beside an images file (or the reverse), gzipped or not. */
    private static Path sibling(Path file, boolean wantLabels) throws DatasetImportException {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        String other = wantLabels ? stem.replace("images", "labels").replace("idx3", "idx1")
                : stem.replace("labels", "images").replace("idx1", "idx3");
        if (!other.equals(stem)) {
            for (String candidate : List.of(other, other + ".gz")) {
                Path path = file.resolveSibling(candidate);
                if (Files.isRegularFile(path)) {
                    return path;
                }
            }
        }
        throw DatasetImportException.of(file, "cannot find the matching " + (wantLabels ? "labels" : "images")
                + " file (looked for " + other + "[.gz] beside it)"
                + (wantLabels ? "; name it with the labels-file option" : "; import the images file instead"));
    }

    private static int magic(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            return in.readInt();
        } catch (EOFException e) {
            throw DatasetImportException.of(file, "shorter than an IDX header");
        } catch (IOException e) {
            throw new DatasetImportException(file, null, "unreadable: " + ImageDecoding.rootMessage(e), e);
        }
    }

    private static boolean gzipped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(gzipped(file) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : raw);
    }

    /**
     * The number of data bytes the file can hold after a header of {@code header} bytes: exact for
     * an uncompressed file; for a gzip, from its trailer (single-member gzip, under 4 GiB).
     */
    private static long available(Path file, int header) throws IOException {
        long size = Files.size(file);
        if (!gzipped(file)) {
            return size - header;
        }
        if (size < 18) {
            return 0;
        }
        try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "r")) {
            access.seek(size - 4);
            long isize = Integer.toUnsignedLong(Integer.reverseBytes(access.readInt()));
            return isize - header;
        }
    }

    private static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw DatasetImportException.of(file, String.format("not an IDX labels file: magic 0x%08x, expected "
                        + "0x%08x (unsigned bytes, 1 dimension)", magic, LABELS_MAGIC));
            }
            int count = in.readInt();
            if (count < 0) {
                throw DatasetImportException.of(file, "negative label count " + count);
            }
            long available = available(file, 8);
            if (count > available) {
                throw DatasetImportException.of(file, "truncated or corrupt: the header declares " + count
                        + " labels but the file holds " + Math.max(0, available) + " bytes of data");
            }
            byte[] raw = new byte[count];
            in.readFully(raw);
            if (in.read() != -1) {
                throw DatasetImportException.of(file, "trailing bytes after " + count + " labels");
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
            }
            return labels;
        } catch (EOFException e) {
            throw new DatasetImportException(file, null, "truncated: the file ends before its declared labels", e);
        } catch (DatasetImportException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetImportException(file, null, "corrupt or truncated: " + ImageDecoding.rootMessage(e), e);
        }
    }

    private static ImageSet readImages(Path file, int[] labels, Path labelsFile) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw DatasetImportException.of(file, String.format("not an IDX images file: magic 0x%08x, expected "
                        + "0x%08x (unsigned bytes, 3 dimensions)", magic, IMAGES_MAGIC));
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows < 1 || cols < 1 || rows > ImageDecoding.MAX_SIDE || cols > ImageDecoding.MAX_SIDE) {
                throw DatasetImportException.of(file, "implausible header: " + count + " images of " + rows + "x" + cols);
            }
            if (count != labels.length) {
                throw DatasetImportException.of(file, "mislabelled: " + count + " images but " + labelsFile.getFileName()
                        + " holds " + labels.length + " labels");
            }
            long bytes = (long) count * rows * cols;
            if (bytes > Integer.MAX_VALUE - 16) {
                throw DatasetImportException.of(file, count + " images of " + rows + "x" + cols
                        + " exceed the 2 GiB limit of one dataset");
            }
            long available = available(file, 16);
            if (bytes > available) {
                throw DatasetImportException.of(file, "truncated or corrupt: the header declares " + count + " images of "
                        + rows + "x" + cols + " (" + bytes + " bytes) but the file holds " + Math.max(0, available)
                        + " bytes of pixel data");
            }
            byte[] pixels = new byte[(int) bytes];
            in.readFully(pixels);
            if (in.read() != -1) {
                throw DatasetImportException.of(file, "trailing bytes after " + count + " images of " + rows + "x" + cols);
            }
            int classCount = 1 + IntStream.of(labels).max().orElse(0);
            return new ImageSet(1, rows, cols, classCount, labels, pixels);
        } catch (EOFException e) {
            throw new DatasetImportException(file, null, "truncated: the file ends before its declared pixels", e);
        } catch (DatasetImportException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetImportException(file, null, "corrupt or truncated: " + ImageDecoding.rootMessage(e), e);
        }
    }
}
