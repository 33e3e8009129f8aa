package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.store.ObjectNotFoundException;
import dev.emm.store.ObjectStore;
import dev.emm.store.ObjectStoreException;
import dev.emm.store.StoreConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store client against the shared stack's S3Proxy, under a prefix of its own. */
class ObjectStoreTest {

    private static final String PREFIX = "tests/object-store/" + UUID.randomUUID() + "/";

    private static ObjectStore store;

    @BeforeAll
    static void connect() {
        store = new ObjectStore(SharedLocalStack.get().storeConfig());
    }

    @AfterAll
    static void disconnect() {
        store.deletePrefix(PREFIX);
        store.close();
    }

    @Test
    void bytesRoundTrip() {
        byte[] bytes = randomBytes(1000, 1);
        store.put(PREFIX + "bytes.bin", bytes);

        assertArrayEquals(bytes, store.get(PREFIX + "bytes.bin"));
        assertArrayEquals(bytes, store.find(PREFIX + "bytes.bin").orElseThrow());
        assertEquals(1000, store.size(PREFIX + "bytes.bin"));
        assertTrue(store.exists(PREFIX + "bytes.bin"));
    }

    @Test
    void emptyObjectRoundTrips() {
        store.put(PREFIX + "empty", new byte[0]);

        assertEquals(0, store.size(PREFIX + "empty"));
        assertArrayEquals(new byte[0], store.get(PREFIX + "empty"));
    }

    @Test
    void putReplacesTheObject() {
        store.put(PREFIX + "replaced", randomBytes(500, 2));
        byte[] second = randomBytes(300, 3);
        store.put(PREFIX + "replaced", second);

        assertArrayEquals(second, store.get(PREFIX + "replaced"));
        assertEquals(300, store.size(PREFIX + "replaced"));
    }

    @Test
    void listReturnsExactlyTheKeysUnderThePrefixAtAnyDepth() {
        String root = PREFIX + "listing/";
        for (String key : List.of("x/1", "x/2", "x/deep/er/3", "xy/4", "y/5")) {
            store.put(root + key, key.getBytes());
        }

        assertEquals(List.of(root + "x/1", root + "x/2", root + "x/deep/er/3"), store.list(root + "x/"));
        assertEquals(List.of(root + "x/1", root + "x/2", root + "x/deep/er/3", root + "xy/4"), store.list(root + "x"));
        assertEquals(5, store.list(root).size());
        assertEquals(List.of(), store.list(root + "nothing/"));
    }

    @Test
    void missingKeyIsNamedInTheError() {
        String key = PREFIX + "never-written.bin";

        ObjectNotFoundException error = assertThrows(ObjectNotFoundException.class, () -> store.get(key));
        assertEquals(key, error.key());
        assertTrue(error.getMessage().contains(key), error.getMessage());
        assertTrue(error.getMessage().contains(store.config().endpoint()), error.getMessage());
        assertThrows(ObjectNotFoundException.class, () -> store.size(key));
        assertThrows(ObjectNotFoundException.class, () -> store.open(key));
        assertTrue(store.find(key).isEmpty());
        assertFalse(store.exists(key));
    }

    @Test
    void deleteRemovesOneObjectAndToleratesMissingKeys() {
        store.put(PREFIX + "doomed", new byte[] {1, 2, 3});
        store.put(PREFIX + "kept", new byte[] {4});

        store.delete(PREFIX + "doomed");
        store.delete(PREFIX + "doomed");

        assertFalse(store.exists(PREFIX + "doomed"));
        assertTrue(store.exists(PREFIX + "kept"));
    }

    /** More keys than one multi-object delete request takes (1,000), so a second batch must follow. */
    @Tag("slow")
    @Test
    void deletePrefixRemovesEveryKeyUnderItAndNothingElse() {
        String root = PREFIX + "purge/";
        for (int i = 0; i < 1005; i++) {
            store.put(root + "run/" + i + "/snapshot.bin", new byte[] {(byte) i});
        }
        store.put(root + "runner", new byte[] {9});
        assertEquals(1006, store.list(root).size());

        store.deletePrefix(root + "run/");

        assertEquals(List.of(root + "runner"), store.list(root));
        store.deletePrefix(root + "run/");
    }

    @Test
    void twentyMegabyteFileIsStreamedUpAndDown(@TempDir Path directory) throws Exception {
        int size = 20 * 1024 * 1024;
        Path file = directory.resolve("large.bin");
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < size / block.length; i++) {
                random.nextBytes(block);
                written.update(block);
                out.write(block);
            }
        }

        store.put(PREFIX + "large.bin", file);

        assertEquals(size, store.size(PREFIX + "large.bin"));
        MessageDigest read = MessageDigest.getInstance("SHA-256");
        long readBytes;
        try (InputStream in = new DigestInputStream(store.open(PREFIX + "large.bin"), read)) {
            readBytes = in.transferTo(OutputStream.nullOutputStream());
        }
        assertEquals(size, readBytes);
        assertArrayEquals(written.digest(), read.digest());
    }

    @Test
    void ensureBucketIsIdempotent() {
        StoreConfig shared = store.config();
        String bucket = "emm-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (ObjectStore other = new ObjectStore(new StoreConfig(shared.endpoint(), shared.accessKey(),
                shared.secretKey(), bucket))) {
            other.ensureBucket();
            other.ensureBucket();
            other.put("marker", new byte[] {1});
            assertEquals(List.of("marker"), other.list(""));
            other.delete("marker");
        }
    }

    @Test
    void rejectedCredentialsFailWithoutRevealingTheSecret() {
        StoreConfig shared = store.config();
        String wrongSecret = "not-the-secret-" + UUID.randomUUID();
        try (ObjectStore impostor = new ObjectStore(new StoreConfig(shared.endpoint(), shared.accessKey(),
                wrongSecret, shared.bucket()))) {
            ObjectStoreException error = assertThrows(ObjectStoreException.class,
                    () -> impostor.put(PREFIX + "forbidden", new byte[] {1}));

            assertFalse(error instanceof ObjectNotFoundException);
            assertTrue(error.getMessage().contains(PREFIX + "forbidden"), error.getMessage());
            assertTrue(error.getMessage().contains(shared.endpoint()), error.getMessage());
            assertFalse(error.getMessage().contains(wrongSecret), error.getMessage());
            assertFalse(error.getMessage().contains(shared.secretKey()), error.getMessage());
            assertFalse(impostor.config().toString().contains(wrongSecret));
        }
        assertFalse(store.exists(PREFIX + "forbidden"));
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
