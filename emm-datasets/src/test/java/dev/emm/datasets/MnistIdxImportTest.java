package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.datasets.Fixtures.Images;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MNIST IDX files, gzipped or not, found from the images file, the labels file or their folder. */
class MnistIdxImportTest {

    @TempDir
    Path dir;

    static void assertImported(Images expected, ImportedDataset imported) {
        assertEquals(1, imported.images().channels());
        assertEquals(28, imported.images().height());
        assertEquals(28, imported.images().width());
        assertEquals(10, imported.images().classCount());
        assertArrayEquals(expected.labels(), imported.images().labels());
        assertArrayEquals(expected.pixels(), imported.images().pixels());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), imported.classNames());
        assertEquals("mnist-idx", imported.manifest("m").sourceFormat());
    }

    /** The tree digest of docs/DATASETS.md, computed independently. */
    static String treeDigest(Path images, Path labels) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (Path file : List.of(images, labels)) {
            byte[] bytes = Files.readAllBytes(file);
            digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void gzippedPairInAFolderBothSplits() throws Exception {
        Images train = Fixtures.images(30, 40, 28 * 28, 10);
        Images test = Fixtures.images(31, 20, 28 * 28, 10);
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(train, 28, 28)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), Fixtures.gzip(Fixtures.idxLabels(train.labels())));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(test, 28, 28)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), Fixtures.gzip(Fixtures.idxLabels(test.labels())));

        assertEquals(DatasetFormat.MNIST_IDX, DatasetImporter.detect(dir));
        ImportedDataset imported = DatasetImporter.importFile(dir, Optional.empty(), ImportOptions.defaults());
        assertImported(train, imported);
        assertEquals(treeDigest(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz")),
                imported.sourceSha256());

        ImportedDataset testSplit = DatasetImporter.importFile(dir, Optional.of("mnist-idx"),
                ImportOptions.defaults().withSplit(ImportOptions.Split.TEST));
        assertImported(test, testSplit);

        Path imagesFile = dir.resolve("train-images-idx3-ubyte.gz");
        assertEquals(DatasetFormat.MNIST_IDX, DatasetImporter.detect(imagesFile));
        assertImported(train, DatasetImporter.importFile(imagesFile, Optional.empty(), ImportOptions.defaults()));
        assertImported(train, DatasetImporter.importFile(dir.resolve("train-labels-idx1-ubyte.gz"), Optional.empty(),
                ImportOptions.defaults()));
    }

    @Test
    void uncompressedFilesAndAnExplicitLabelsFile() throws Exception {
        Images train = Fixtures.images(32, 25, 28 * 28, 10);
        Path images = Files.write(dir.resolve("digits.idx3-ubyte"), Fixtures.idxImages(train, 28, 28));
        Path labels = Files.write(dir.resolve("my-labels.bin"), Fixtures.idxLabels(train.labels()));
        assertEquals(DatasetFormat.MNIST_IDX, DatasetImporter.detect(images));
        ImportedDataset imported = DatasetImporter.importFile(images, Optional.empty(),
                ImportOptions.defaults().withLabelsFile(labels));
        assertImported(train, imported);
        assertEquals(treeDigest(images, labels), imported.sourceSha256());
    }
}
