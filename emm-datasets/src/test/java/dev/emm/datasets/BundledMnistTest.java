package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.localstack.SharedLocalStack;
import dev.emm.store.ObjectStore;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundledMnistTest {

    private static final List<Integer> MNIST_COUNT_PER_CLASS =
            List.of(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
    private static final int MNIST_RESOURCE_BYTES = 1_596_190;

    @Test
    void registersTheBundledSetByteForByteOnceOnly() throws Exception {
        byte[] resource = BundledMnist.resourceBytes();
        try (ObjectStore store = new ObjectStore(SharedLocalStack.get().storeConfig())) {
            BundledMnist.register(store);
            byte[] stored = store.get(StorageLayout.datasetImages("mnist"));
            assertEquals(MNIST_RESOURCE_BYTES, resource.length);
            assertEquals(MNIST_RESOURCE_BYTES, store.size(StorageLayout.datasetImages("mnist")));
            assertArrayEquals(resource, stored);

            DatasetManifest manifest = Json.read(store.get(StorageLayout.datasetManifest("mnist")), DatasetManifest.class);
            assertEquals("mnist", manifest.name());
            assertEquals(10_000, manifest.count());
            assertEquals(MNIST_COUNT_PER_CLASS, manifest.countPerClass());
            assertEquals(List.of(1, 28, 28, 10),
                    List.of(manifest.channels(), manifest.height(), manifest.width(), manifest.classCount()));
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), manifest.classNames());
            assertEquals(1, manifest.layoutVersion());
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(resource)),
                    manifest.sourceSha256());
            assertEquals(BundledMnist.LICENSE, manifest.license());

            byte[] manifestBefore = store.get(StorageLayout.datasetManifest("mnist"));
            assertFalse(BundledMnist.register(store));
            assertArrayEquals(manifestBefore, store.get(StorageLayout.datasetManifest("mnist")));
            assertEquals(List.of(StorageLayout.datasetImages("mnist"), StorageLayout.datasetManifest("mnist")),
                    store.list(StorageLayout.datasetPrefix("mnist")));
        }
    }
}
