package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.storage.StorageLayout;
import dev.emm.datasets.CifarImportTest.Cifar10;
import dev.emm.datasets.Fixtures.Images;
import dev.emm.localstack.SharedLocalStack;
import dev.emm.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt, truncated and mislabelled inputs in every format: each import through the registry
 * fails with a message that names the file, the entry where there is one, and the problem, and
 * leaves no object under the dataset's prefix in the real S3 store.
 */
class CorruptInputTest {

    @TempDir
    static Path dir;
    static ObjectStore store;
    static DatasetRegistry registry;

    @BeforeAll
    static void connect() {
        store = new ObjectStore(SharedLocalStack.get().storeConfig());
        registry = new DatasetRegistry(store);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @FunctionalInterface
    interface Input {
        Path build(Path dir) throws Exception;
    }

    record Case(String name, Input input, String format, List<String> expected) {
    }

    static Case of(String name, Input input, String format, String... expected) {
        return new Case(name, input, format, List.of(expected));
    }

    static byte[] cut(byte[] bytes, int keep) {
        return Arrays.copyOf(bytes, keep);
    }

    static Path cifar10Python(Path dir, String file, Map<String, byte[]> overrides) throws Exception {
        Cifar10 data = CifarImportTest.cifar10Data();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int b = 0; b < 5; b++) {
            entries.put("data_batch_" + (b + 1), Fixtures.cifar10Batch("training batch", data.train().get(b)));
        }
        entries.put("batches.meta", Fixtures.cifar10Meta(CifarImportTest.CIFAR10_NAMES));
        entries.putAll(overrides);
        entries.values().removeIf(value -> value.length == 0);
        return Fixtures.tar(dir.resolve(file), "cifar-10-batches-py", entries, true);
    }

    static Path cifar10Binary(Path dir, String file, Map<String, byte[]> overrides) throws Exception {
        Cifar10 data = CifarImportTest.cifar10Data();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int b = 0; b < 5; b++) {
            entries.put("data_batch_" + (b + 1) + ".bin", Fixtures.cifar10Records(data.train().get(b)));
        }
        entries.putAll(overrides);
        entries.values().removeIf(value -> value.length == 0);
        return Fixtures.tar(dir.resolve(file), "cifar-10-batches-bin", entries, true);
    }

    static Path edmZip(Path dir, String file, int count, String json, Map<String, byte[]> overrides) throws Exception {
        Images images = Fixtures.images(40, count, 3 * 4 * 4, 3);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            entries.put(ImageImportTest.edmName(i), Fixtures.png(images.image(i), 3, 4, 4));
        }
        if (json != null) {
            entries.put("dataset.json", json.getBytes());
        }
        entries.putAll(overrides);
        return Fixtures.zip(dir.resolve(file), entries);
    }

    static String labelsJson(int count, int skip) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (i != skip) {
                pairs.add("[\"" + ImageImportTest.edmName(i) + "\", " + (i % 3) + "]");
            }
        }
        return "{\"labels\": [" + String.join(", ", pairs) + "]}";
    }

    static Path mnist(Path dir, String folder, int images, int labels, boolean truncate) throws Exception {
        Path target = Files.createDirectories(dir.resolve(folder));
        Images data = Fixtures.images(41, images, 28 * 28, 10);
        byte[] idx = Fixtures.gzip(Fixtures.idxImages(data, 28, 28));
        Files.write(target.resolve("train-images-idx3-ubyte.gz"), truncate ? cut(idx, idx.length / 2) : idx);
        Files.write(target.resolve("train-labels-idx1-ubyte.gz"),
                Fixtures.gzip(Fixtures.idxLabels(Arrays.copyOf(data.labels(), labels))));
        return target.resolve("train-images-idx3-ubyte.gz");
    }

    static Stream<Case> cases() {
        return Stream.of(
                of("truncated cifar10-python archive", d -> {
                    Path whole = cifar10Python(d, "whole.tar.gz", Map.of());
                    byte[] bytes = Files.readAllBytes(whole);
                    return Files.write(d.resolve("half.tar.gz"), cut(bytes, bytes.length / 2));
                }, null, "half.tar.gz", "truncated"),
                of("cifar10-python batch whose pickle is cut short", d -> {
                    byte[] batch = Fixtures.cifar10Batch("b", CifarImportTest.cifar10Data().train().get(2));
                    return cifar10Python(d, "cutpickle.tar.gz", Map.of("data_batch_3", cut(batch, batch.length - 500)));
                }, null, "cutpickle.tar.gz", "cifar-10-batches-py/data_batch_3", "corrupt or truncated pickle"),
                of("cifar10-python pickle with a corrupt length field", d -> {
                    byte[] batch = Fixtures.cifar10Batch("b", CifarImportTest.cifar10Data().train().get(1));
                    int at = indexOfBinstring(batch);
                    batch[at + 4] = 0x7f; // the data's BINSTRING length becomes ~2 GB
                    return cifar10Python(d, "badlength.tar.gz", Map.of("data_batch_2", batch));
                }, null, "badlength.tar.gz", "data_batch_2", "declares"),
                of("cifar10-python label outside 0..9", d -> {
                    Images batch = CifarImportTest.cifar10Data().train().get(3);
                    int[] labels = batch.labels().clone();
                    labels[2] = 10;
                    return cifar10Python(d, "label10.tar.gz", Map.of("data_batch_4",
                            Fixtures.cifar10Batch("b", new Images(batch.dim(), batch.pixels(), labels))));
                }, null, "label10.tar.gz", "data_batch_4", "mislabelled", "image 2 has label 10"),
                of("cifar10-python with fewer labels than images", d -> {
                    Images batch = CifarImportTest.cifar10Data().train().get(0);
                    int[] labels = Arrays.copyOf(batch.labels(), batch.size() - 1);
                    return cifar10Python(d, "fewlabels.tar.gz", Map.of("data_batch_1",
                            Fixtures.cifar10Batch("b", new Images(batch.dim(), batch.pixels(), labels))));
                }, null, "fewlabels.tar.gz", "data_batch_1", "mislabelled", "6 entries in 'labels' for 7 images"),
                of("cifar10-python with a missing batch", d -> cifar10Python(d, "nobatch5.tar.gz",
                        Map.of("data_batch_5", new byte[0])), "cifar10-python", "nobatch5.tar.gz",
                        "no entry named data_batch_5"),
                of("cifar10-binary label byte 12", d -> {
                    byte[] records = Fixtures.cifar10Records(CifarImportTest.cifar10Data().train().get(2));
                    records[3 * 3073] = 12;
                    return cifar10Binary(d, "label12.tar.gz", Map.of("data_batch_3.bin", records));
                }, null, "label12.tar.gz", "cifar-10-batches-bin/data_batch_3.bin", "mislabelled", "record 3",
                        "label 12"),
                of("cifar10-binary entry not a whole number of records", d -> {
                    byte[] records = Fixtures.cifar10Records(CifarImportTest.cifar10Data().train().get(1));
                    return cifar10Binary(d, "partial.tar.gz", Map.of("data_batch_2.bin",
                            cut(records, records.length - 100)));
                }, null, "partial.tar.gz", "data_batch_2.bin", "not a multiple of the 3073-byte record"),
                of("python archive imported as cifar10-binary", d -> cifar10Python(d, "wrongformat.tar.gz", Map.of()),
                        "cifar10-binary", "wrongformat.tar.gz", "no entry named data_batch_1.bin"),
                of("truncated edm zip", d -> {
                    byte[] bytes = Files.readAllBytes(edmZip(d, "whole.zip", 9, labelsJson(9, -1), Map.of()));
                    return Files.write(d.resolve("cut.zip"), cut(bytes, bytes.length - 60));
                }, "edm-zip", "cut.zip", "not a readable zip"),
                of("edm zip with an image that has no label", d -> edmZip(d, "nolabel.zip", 9, labelsJson(9, 4),
                        Map.of()), null, "nolabel.zip", "dataset.json", "mislabelled", "no label for image 00000/img00000004.png"),
                of("edm zip labelling a missing image", d -> edmZip(d, "ghost.zip", 3,
                        "{\"labels\": [[\"00000/img00000000.png\", 0], [\"00000/img00000001.png\", 1], "
                                + "[\"00000/img00000002.png\", 2], [\"00000/img00000099.png\", 1]]}", Map.of()),
                        null, "ghost.zip", "dataset.json", "00000/img00000099.png", "not in the zip"),
                of("edm zip with a truncated png", d -> {
                    Images one = Fixtures.images(42, 1, 3 * 4 * 4, 1);
                    byte[] png = Fixtures.png(one.image(0), 3, 4, 4);
                    return edmZip(d, "badpng.zip", 5, labelsJson(5, -1),
                            Map.of(ImageImportTest.edmName(2), cut(png, png.length - 20)));
                }, null, "badpng.zip", "00000/img00000002.png", "truncated png"),
                of("edm zip with a png whose pixel data has a flipped byte", d -> {
                    Images one = Fixtures.images(43, 1, 3 * 4 * 4, 1);
                    byte[] png = Fixtures.png(one.image(0), 3, 4, 4);
                    png[45] ^= 0x10; // inside IDAT (IHDR ends at byte 33)
                    return edmZip(d, "flipped.zip", 5, labelsJson(5, -1), Map.of(ImageImportTest.edmName(1), png));
                }, null, "flipped.zip", "00000/img00000001.png", "corrupt png: CRC mismatch in chunk IDAT"),
                of("edm zip mixing image shapes", d -> {
                    byte[] bigger = Fixtures.png(new byte[3 * 5 * 4], 3, 5, 4);
                    return edmZip(d, "mixed.zip", 5, labelsJson(5, -1), Map.of(ImageImportTest.edmName(3), bigger));
                }, null, "mixed.zip", "00000/img00000003.png", "5x4", "share one shape"),
                of("edm zip with a non-integer label", d -> edmZip(d, "floatlabel.zip", 2,
                        "{\"labels\": [[\"00000/img00000000.png\", 0], [\"00000/img00000001.png\", 1.5]]}", Map.of()),
                        null, "floatlabel.zip", "dataset.json", "mislabelled"),
                of("truncated gzipped mnist images", d -> mnist(d, "mnist-cut", 30, 30, true), null,
                        "train-images-idx3-ubyte.gz", "truncated"),
                of("mnist images and labels of different counts", d -> mnist(d, "mnist-count", 30, 29, false), null,
                        "train-images-idx3-ubyte.gz", "mislabelled", "30 images", "29 labels"),
                of("image folder mixing grayscale and rgb", d -> {
                    Path root = d.resolve("mixedfolder");
                    Files.createDirectories(root.resolve("a"));
                    Files.createDirectories(root.resolve("b"));
                    Files.write(root.resolve("a/1.png"), Fixtures.png(new byte[3 * 4 * 4], 3, 4, 4));
                    Files.write(root.resolve("b/1.png"), Fixtures.png(new byte[4 * 4], 1, 4, 4));
                    return root;
                }, null, "mixedfolder", "b/1.png", "1x4x4 (grayscale)", "3x4x4 (RGB)"),
                of("image folder with an empty class", d -> {
                    Path root = d.resolve("emptyclass");
                    Files.createDirectories(root.resolve("a"));
                    Files.createDirectories(root.resolve("b"));
                    Files.write(root.resolve("a/1.png"), Fixtures.png(new byte[4 * 4], 1, 4, 4));
                    return root;
                }, null, "emptyclass", "[b]", "no .png/.jpg/.jpeg images"),
                of("a file of no known format", d -> Files.write(d.resolve("noise.dat"), new byte[] {1, 2, 3, 4, 5}),
                        null, "noise.dat", "cannot tell its format"));
    }

    static int indexOfBinstring(byte[] pickle) {
        for (int i = 0; i < pickle.length - 5; i++) {
            if (pickle[i] == 'T' && pickle[i + 1] == 0 && (pickle[i + 2] & 0xFF) > 0) {
                int length = (pickle[i + 1] & 0xFF) | (pickle[i + 2] & 0xFF) << 8 | (pickle[i + 3] & 0xFF) << 16;
                if (length % Fixtures.CIFAR_DIM == 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("no BINSTRING in the pickle");
    }

    @TestFactory
    Stream<DynamicTest> failsNamingFileEntryAndProblemAndLeavesNothingInTheStore() {
        int[] counter = {0};
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path input = c.input().build(Files.createDirectories(dir.resolve("case" + counter[0]++)));
            String name = "corrupt-" + counter[0] + "-" + System.nanoTime();
            DatasetImportException e = assertThrows(DatasetImportException.class, () -> registry.importFile(name,
                    input, Optional.ofNullable(c.format()), ImportOptions.defaults(), false));
            for (String expected : c.expected()) {
                assertTrue(e.getMessage().contains(expected), "'" + expected + "' missing from: " + e.getMessage());
            }
            assertEquals(List.of(), store.list(StorageLayout.datasetPrefix(name)));
            assertTrue(!registry.exists(name));
        }));
    }
}
