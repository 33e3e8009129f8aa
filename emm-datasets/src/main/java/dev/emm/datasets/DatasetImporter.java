package dev.emm.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The one entry point for imports: {@link #importFile} reads a dataset in one of its published
 * formats ({@link DatasetFormat}) into memory, ready for {@link DatasetRegistry#register}. Nothing
 * is written anywhere but a temporary spool, which is deleted before this returns.
 */
public final class DatasetImporter {

    private DatasetImporter() {
    }

    /**
     * Imports {@code file} (a file, or a folder for image-folder and mnist-idx) in the given format,
     * or the detected one when {@code format} is empty.
     *
     * @param format a {@code --format} name (see {@link DatasetFormat#wireName()})
     * @throws DatasetImportException when the input is not a valid dataset of that format; its
     *     message names the file, the entry and the problem
     * @throws IllegalArgumentException for an unknown format name
     */
    public static ImportedDataset importFile(Path file, Optional<String> format, ImportOptions options)
            throws IOException {
        DatasetFormat resolved = format.isPresent() && !format.get().isBlank() ? DatasetFormat.fromWire(format.get())
                : detect(file);
        return importFile(file, resolved, options);
    }

    public static ImportedDataset importFile(Path file, DatasetFormat format, ImportOptions options)
            throws IOException {
        if (!Files.exists(file)) {
            throw DatasetImportException.of(file, "no such file or folder");
        }
        boolean folder = Files.isDirectory(file);
        if (folder && format != DatasetFormat.IMAGE_FOLDER && format != DatasetFormat.MNIST_IDX) {
            throw DatasetImportException.of(file, "is a folder; format " + format.wireName() + " needs a file");
        }
        if (!folder && format == DatasetFormat.IMAGE_FOLDER) {
            throw DatasetImportException.of(file, "format image-folder needs a folder with one subfolder per class");
        }
        if (options.centerCrop().isPresent() && format != DatasetFormat.IMAGE_FOLDER
                && format != DatasetFormat.EDM_ZIP) {
            throw DatasetImportException.of(file, "centerCrop applies to image-folder and edm-zip imports, not "
                    + format.wireName());
        }
        return switch (format) {
            case CIFAR10_PYTHON, CIFAR10_BINARY, CIFAR100_PYTHON, CIFAR100_BINARY ->
                    CifarImporter.importArchive(file, format, options, Sha256.ofFile(file));
            case EDM_ZIP -> EdmZipImporter.importZip(file, options, Sha256.ofFile(file));
            case IMAGE_FOLDER -> ImageFolderImporter.importFolder(file, options);
            case MNIST_IDX -> MnistIdxImporter.importIdx(file, options);
        };
    }

    /**
     * Tells the format from content: a folder is mnist-idx when it holds IDX files, else
     * image-folder; a zip is edm-zip; an IDX magic (gzipped or not) is mnist-idx; a tar (gzipped or
     * not) is told apart by the CIFAR entry names it holds.
     */
    public static DatasetFormat detect(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            try (Stream<Path> children = Files.list(file)) {
                return children.anyMatch(child -> Files.isRegularFile(child)
                        && MnistIdxImporter.looksLikeIdxName(child.getFileName().toString()))
                        ? DatasetFormat.MNIST_IDX : DatasetFormat.IMAGE_FOLDER;
            }
        }
        if (!Files.isRegularFile(file)) {
            throw DatasetImportException.of(file, "no such file or folder");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] head = peek(raw, 4);
            if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
                return DatasetFormat.EDM_ZIP;
            }
            InputStream content = CifarImporter.maybeGunzip(raw);
            byte[] start = peek(content, 512);
            if (start.length >= 4 && start[0] == 0 && start[1] == 0 && start[2] == 8 && (start[3] == 1 || start[3] == 3)) {
                return DatasetFormat.MNIST_IDX;
            }
            if (start.length == 512 && isTarHeader(start)) {
                return detectCifar(file, content);
            }
        } catch (IOException e) {
            if (e instanceof DatasetImportException) {
                throw e;
            }
            throw new DatasetImportException(file, null, "cannot read it to tell its format: "
                    + ImageDecoding.rootMessage(e) + "; pass the format explicitly", e);
        }
        throw DatasetImportException.of(file, "cannot tell its format from its content (not a zip, tar, tar.gz or IDX "
                + "file); pass one of: " + DatasetFormat.allWireNames());
    }

    private static byte[] peek(InputStream in, int count) throws IOException {
        in.mark(count);
        byte[] head = in.readNBytes(count);
        in.reset();
        return head;
    }

    private static boolean isTarHeader(byte[] header) {
        String magic = new String(header, 257, 5, java.nio.charset.StandardCharsets.US_ASCII);
        if (magic.equals("ustar")) {
            return true;
        }
        // Old (v7) tar: no magic; check the header checksum.
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
        }
        String stored = new String(header, 148, 8, java.nio.charset.StandardCharsets.US_ASCII).trim()
                .replace("\0", "");
        try {
            return !stored.isEmpty() && Long.parseLong(stored.trim(), 8) == sum;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static DatasetFormat detectCifar(Path file, InputStream content) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(content)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                String base = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                String path = name.toLowerCase(Locale.ROOT);
                if (base.matches("data_batch_\\d+") || base.equals("test_batch") || base.equals("batches.meta")) {
                    return DatasetFormat.CIFAR10_PYTHON;
                }
                if (base.matches("data_batch_\\d+\\.bin") || base.equals("test_batch.bin")
                        || base.equals("batches.meta.txt")) {
                    return DatasetFormat.CIFAR10_BINARY;
                }
                if (base.equals("train.bin") || base.equals("test.bin") || base.equals("fine_label_names.txt")
                        || base.equals("coarse_label_names.txt")) {
                    return DatasetFormat.CIFAR100_BINARY;
                }
                if ((base.equals("train") || base.equals("test") || base.equals("meta")) && entry.isFile()) {
                    return DatasetFormat.CIFAR100_PYTHON;
                }
                if (path.contains("cifar-100-python")) {
                    return DatasetFormat.CIFAR100_PYTHON;
                }
            }
        }
        throw DatasetImportException.of(file, "a tar archive without CIFAR batch entries; pass the format explicitly"
                + " (one of " + DatasetFormat.allWireNames() + ")");
    }
}
