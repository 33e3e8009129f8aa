package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.datasets.Fixtures.Images;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10/100 in both published versions, built here in their exact formats, imported byte for byte. */
class CifarImportTest {

    static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    static final int[] BATCH_SIZES = {7, 6, 8, 5, 9};

    @TempDir
    Path dir;

    /** The five train batches in their order, and the test batch. */
    record Cifar10(List<Images> train, Images test) {
        Images allTrain() {
            return Images.concat(train);
        }
    }

    static Cifar10 cifar10Data() {
        Images all = Fixtures.images(10, 35, Fixtures.CIFAR_DIM, 10);
        List<Images> train = new ArrayList<>();
        int at = 0;
        for (int size : BATCH_SIZES) {
            train.add(all.slice(at, at + size));
            at += size;
        }
        return new Cifar10(train, Fixtures.images(11, 12, Fixtures.CIFAR_DIM, 10));
    }

    /** The entries in the scrambled order of the published cifar-10-python.tar.gz. */
    static Path cifar10Python(Path file, Cifar10 data) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data_batch_4", Fixtures.cifar10Batch("training batch 4 of 5", data.train().get(3)));
        entries.put("readme.html", "<html></html>".getBytes());
        entries.put("test_batch", Fixtures.cifar10Batch("testing batch 1 of 1", data.test()));
        entries.put("data_batch_3", Fixtures.cifar10Batch("training batch 3 of 5", data.train().get(2)));
        entries.put("batches.meta", Fixtures.cifar10Meta(CIFAR10_NAMES));
        entries.put("data_batch_2", Fixtures.cifar10Batch("training batch 2 of 5", data.train().get(1)));
        entries.put("data_batch_5", Fixtures.cifar10Batch("training batch 5 of 5", data.train().get(4)));
        entries.put("data_batch_1", Fixtures.cifar10Batch("training batch 1 of 5", data.train().get(0)));
        return Fixtures.tar(file, "cifar-10-batches-py", entries, true);
    }

    static Path cifar10Binary(Path file, Cifar10 data) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data_batch_1.bin", Fixtures.cifar10Records(data.train().get(0)));
        entries.put("batches.meta.txt", (String.join("\n", CIFAR10_NAMES) + "\n\n").getBytes());
        entries.put("data_batch_5.bin", Fixtures.cifar10Records(data.train().get(4)));
        entries.put("data_batch_2.bin", Fixtures.cifar10Records(data.train().get(1)));
        entries.put("test_batch.bin", Fixtures.cifar10Records(data.test()));
        entries.put("data_batch_3.bin", Fixtures.cifar10Records(data.train().get(2)));
        entries.put("readme.html", "<html></html>".getBytes());
        entries.put("data_batch_4.bin", Fixtures.cifar10Records(data.train().get(3)));
        return Fixtures.tar(file, "cifar-10-batches-bin", entries, true);
    }

    static void assertImages(Images expected, int classes, ImageSet actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(3, actual.channels());
        assertEquals(32, actual.height());
        assertEquals(32, actual.width());
        assertEquals(classes, actual.classCount());
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.pixels(), actual.pixels(), "pixels byte for byte, CHW");
        assertArrayEquals(Fixtures.countPerClass(expected.labels(), classes), actual.countPerClass());
    }

    @Test
    void cifar10PythonTrainSplitIsTheFiveBatchesInOrderWithMetaNames() throws Exception {
        Cifar10 data = cifar10Data();
        Path file = cifar10Python(dir.resolve("cifar-10-python.tar.gz"), data);

        assertEquals(DatasetFormat.CIFAR10_PYTHON, DatasetImporter.detect(file));
        ImportedDataset imported = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());

        assertImages(data.allTrain(), 10, imported.images());
        assertEquals(CIFAR10_NAMES, imported.classNames());
        DatasetManifest manifest = imported.manifest("cifar10-small");
        assertEquals("cifar10-small", manifest.name());
        assertEquals(ImageSetCodec.VERSION, manifest.layoutVersion());
        assertEquals(35, manifest.count());
        assertEquals(List.of(3, 32, 32), List.of(manifest.channels(), manifest.height(), manifest.width()));
        assertEquals(10, manifest.classCount());
        assertEquals(Arrays.stream(Fixtures.countPerClass(data.allTrain().labels(), 10)).boxed().toList(),
                manifest.countPerClass());
        assertEquals(CIFAR10_NAMES, manifest.classNames());
        assertEquals("cifar10-python", manifest.sourceFormat());
        assertEquals(Fixtures.sha256(file), manifest.sourceSha256());
        assertTrue(manifest.license().contains("CIFAR") && manifest.license().contains("own copy"), manifest.license());
    }

    @Test
    void cifar10PythonTestSplit() throws Exception {
        Cifar10 data = cifar10Data();
        Path file = cifar10Python(dir.resolve("c.tar.gz"), data);
        ImportedDataset imported = DatasetImporter.importFile(file, Optional.of("cifar10-python"),
                ImportOptions.defaults().withSplit(ImportOptions.Split.TEST));
        assertImages(data.test(), 10, imported.images());
    }

    @Test
    void cifar10PythonBatchesPickledByPython3WithBytesKeysImportToo() throws Exception {
        Cifar10 data = cifar10Data();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int b = 0; b < 5; b++) {
            entries.put("data_batch_" + (b + 1), Fixtures.cifar10BatchPy3(data.train().get(b)));
        }
        Path file = Fixtures.tar(dir.resolve("py3.tar"), "cifar-10-batches-py", entries, false);

        assertEquals(DatasetFormat.CIFAR10_PYTHON, DatasetImporter.detect(file));
        ImportedDataset imported = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertImages(data.allTrain(), 10, imported.images());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), imported.classNames(),
                "without batches.meta the class names are the indices");
    }

    @Test
    void cifar10BinaryTrainAndTestSplits() throws Exception {
        Cifar10 data = cifar10Data();
        Path file = cifar10Binary(dir.resolve("cifar-10-binary.tar.gz"), data);

        assertEquals(DatasetFormat.CIFAR10_BINARY, DatasetImporter.detect(file));
        ImportedDataset train = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertImages(data.allTrain(), 10, train.images());
        assertEquals(CIFAR10_NAMES, train.classNames());
        assertEquals("cifar10-binary", train.manifest("x").sourceFormat());
        assertEquals(Fixtures.sha256(file), train.sourceSha256());

        ImportedDataset test = DatasetImporter.importFile(file, Optional.empty(),
                ImportOptions.defaults().withSplit(ImportOptions.Split.TEST));
        assertImages(data.test(), 10, test.images());
    }

    record Cifar100(Images train, int[] trainCoarse, Images test, int[] testCoarse, List<String> fine,
            List<String> coarse) {
    }

    static Cifar100 cifar100Data() {
        Images train = Fixtures.images(100, 40, Fixtures.CIFAR_DIM, 100);
        Images test = Fixtures.images(101, 15, Fixtures.CIFAR_DIM, 100);
        return new Cifar100(train, coarseOf(train.labels()), test, coarseOf(test.labels()),
                Fixtures.names("fine_", 100), Fixtures.names("coarse_", 20));
    }

    static int[] coarseOf(int[] fine) {
        return Arrays.stream(fine).map(label -> label % 20).toArray();
    }

    static Images withLabels(Images images, int[] labels) {
        return new Images(images.dim(), images.pixels(), labels);
    }

    @Test
    void cifar100PythonFineByDefaultCoarseOnRequest() throws Exception {
        Cifar100 data = cifar100Data();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("meta", Fixtures.cifar100Meta(data.fine(), data.coarse()));
        entries.put("test", Fixtures.cifar100Batch("testing batch 1 of 1", data.test(), data.testCoarse()));
        entries.put("train", Fixtures.cifar100Batch("training batch 1 of 1", data.train(), data.trainCoarse()));
        Path file = Fixtures.tar(dir.resolve("cifar-100-python.tar.gz"), "cifar-100-python", entries, true);

        assertEquals(DatasetFormat.CIFAR100_PYTHON, DatasetImporter.detect(file));
        ImportedDataset fine = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertImages(data.train(), 100, fine.images());
        assertEquals(data.fine(), fine.classNames());

        ImportedDataset coarse = DatasetImporter.importFile(file, Optional.empty(),
                ImportOptions.defaults().withCifar100Labels(ImportOptions.Cifar100Labels.COARSE));
        assertImages(withLabels(data.train(), data.trainCoarse()), 20, coarse.images());
        assertEquals(data.coarse(), coarse.classNames());

        ImportedDataset test = DatasetImporter.importFile(file, Optional.empty(),
                ImportOptions.defaults().withSplit(ImportOptions.Split.TEST));
        assertImages(data.test(), 100, test.images());
        assertEquals("cifar100-python", test.manifest("t").sourceFormat());
    }

    @Test
    void cifar100BinaryReadsCoarseAndFineBytes() throws Exception {
        Cifar100 data = cifar100Data();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("coarse_label_names.txt", (String.join("\n", data.coarse()) + "\n").getBytes());
        entries.put("fine_label_names.txt", (String.join("\n", data.fine()) + "\n").getBytes());
        entries.put("test.bin", Fixtures.cifar100Records(data.test(), data.testCoarse()));
        entries.put("train.bin", Fixtures.cifar100Records(data.train(), data.trainCoarse()));
        Path file = Fixtures.tar(dir.resolve("cifar-100-binary.tar.gz"), "cifar-100-binary", entries, true);

        assertEquals(DatasetFormat.CIFAR100_BINARY, DatasetImporter.detect(file));
        ImportedDataset fine = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertImages(data.train(), 100, fine.images());
        assertEquals(data.fine(), fine.classNames());

        ImportedDataset coarse = DatasetImporter.importFile(file, Optional.of("cifar100-binary"),
                new ImportOptions(ImportOptions.Split.TEST, ImportOptions.Cifar100Labels.COARSE, Optional.empty(),
                        Optional.of("my note"), java.util.OptionalInt.empty()));
        assertImages(withLabels(data.test(), data.testCoarse()), 20, coarse.images());
        assertEquals(data.coarse(), coarse.classNames());
        assertEquals("my note", coarse.license());
    }
}
