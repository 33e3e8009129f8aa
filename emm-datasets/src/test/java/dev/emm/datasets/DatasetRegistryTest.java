package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.localstack.SharedLocalStack;
import dev.emm.store.ObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration round trips through the real S3 API of the shared local stack. */
class DatasetRegistryTest {

    @TempDir
    Path dir;
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

    static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    @Test
    void cifarArchiveRoundTripsThroughTheStore() throws Exception {
        CifarImportTest.Cifar10 data = CifarImportTest.cifar10Data();
        Path file = CifarImportTest.cifar10Binary(dir.resolve("cifar-10-binary.tar.gz"), data);
        String name = unique("cifar10");

        DatasetManifest manifest = registry.importFile(name, file, Optional.empty(), ImportOptions.defaults(), false);

        assertTrue(registry.exists(name));
        assertTrue(registry.list().contains(name));
        assertEquals(manifest, registry.manifest(name));
        assertEquals(Optional.of(manifest), registry.find(name));
        assertTrue(registry.manifests().contains(manifest));
        assertEquals(35, manifest.count());
        assertEquals("cifar10-binary", manifest.sourceFormat());
        assertEquals(Fixtures.sha256(file), manifest.sourceSha256());
        assertEquals(CifarImportTest.CIFAR10_NAMES, manifest.classNames());
        assertEquals(List.of(StorageLayout.datasetImages(name), StorageLayout.datasetManifest(name)),
                store.list(StorageLayout.datasetPrefix(name)));

        ImageSet loaded = registry.load(name);
        assertArrayEquals(data.allTrain().pixels(), loaded.pixels());
        assertArrayEquals(data.allTrain().labels(), loaded.labels());
        assertEquals(10, loaded.classCount());
        // The stored objects are exactly EMM's layout and the core manifest record.
        assertArrayEquals(loaded.pixels(), ImageSetCodec.fromBytes(store.get(StorageLayout.datasetImages(name))).pixels());
        assertEquals(manifest, Json.read(store.get(StorageLayout.datasetManifest(name)), DatasetManifest.class));
    }

    @Test
    void aTakenNameFailsUnlessReplaceIsAsked() throws Exception {
        String name = unique("taken");
        ImportedDataset first = dataset(3, 1);
        ImportedDataset second = dataset(5, 2);
        registry.register(name, first);

        assertThrows(DatasetExistsException.class, () -> registry.register(name, second));
        assertThrows(DatasetExistsException.class, () -> registry.requireFree(name));
        assertEquals(3, registry.load(name).size(), "the first registration is untouched");

        DatasetManifest replaced = registry.register(name, second, true);
        assertEquals(5, replaced.count());
        assertArrayEquals(second.images().pixels(), registry.load(name).pixels());
    }

    @Test
    void invalidNamesAreRefusedBeforeAnythingIsWritten() {
        for (String bad : List.of("", "Upper", "has space", "../up", "a/b", "-lead", "x".repeat(64))) {
            assertThrows(IllegalArgumentException.class, () -> registry.register(bad, dataset(2, 3)), bad);
        }
        DatasetRegistry.validateName("cifar10.v2_small-1");
    }

    @Test
    void imagesWithoutManifestAreInvisibleAndCleanedByTheNextRegistration() throws Exception {
        String name = unique("crashed");
        // What a crash between the two writes leaves behind.
        store.put(StorageLayout.datasetImages(name), new byte[] {1, 2, 3});
        store.put(StorageLayout.datasetPrefix(name) + "stray.tmp", new byte[] {4});

        assertFalse(registry.exists(name));
        assertFalse(registry.list().contains(name));
        assertEquals(Optional.empty(), registry.find(name));
        assertThrows(DatasetNotFoundException.class, () -> registry.load(name));
        assertThrows(DatasetNotFoundException.class, () -> registry.manifest(name));

        registry.register(name, dataset(4, 4));
        assertEquals(List.of(StorageLayout.datasetImages(name), StorageLayout.datasetManifest(name)),
                store.list(StorageLayout.datasetPrefix(name)));
        assertEquals(4, registry.load(name).size());
    }

    @Test
    void aFailureAfterTheImagesAreStoredRemovesThem() throws Exception {
        String name = unique("fails");
        DatasetRegistry failing = new DatasetRegistry(store, () -> {
            throw new IllegalStateException("simulated failure before the manifest");
        });
        assertThrows(IllegalStateException.class, () -> failing.register(name, dataset(3, 5)));
        assertEquals(List.of(), store.list(StorageLayout.datasetPrefix(name)));
        assertFalse(registry.exists(name));
    }

    @Test
    void aFailedReplacementLeavesNoHalfDataset() throws Exception {
        String name = unique("replace-fails");
        registry.register(name, dataset(3, 6));
        DatasetRegistry failing = new DatasetRegistry(store, () -> {
            throw new IllegalStateException("simulated failure");
        });
        assertThrows(IllegalStateException.class, () -> failing.register(name, dataset(4, 7), true));
        assertFalse(registry.exists(name), "the old dataset was removed first, the new one never became visible");
        assertEquals(List.of(), store.list(StorageLayout.datasetPrefix(name)));
    }

    @Test
    void deleteRemovesTheManifestAndImages() throws Exception {
        String name = unique("deleted");
        registry.register(name, dataset(2, 8));
        assertTrue(registry.delete(name));
        assertFalse(registry.exists(name));
        assertEquals(List.of(), store.list(StorageLayout.datasetPrefix(name)));
        assertFalse(registry.delete(name));
    }

    static ImportedDataset dataset(int count, long seed) {
        Fixtures.Images images = Fixtures.images(seed, count, 1 * 2 * 2, 2);
        return new ImportedDataset(new ImageSet(1, 2, 2, 2, images.labels(), images.pixels()), List.of("a", "b"),
                DatasetFormat.IMAGE_FOLDER, "0".repeat(64), "test");
    }
}
