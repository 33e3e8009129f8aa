package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.store.ObjectStore;
import dev.emm.store.ObjectStoreException;
import dev.emm.store.StoreConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3Test {

    private static final byte[] PAYLOAD = "checkpoint bytes".getBytes();

    @TempDir
    Path directory;

    @Test
    void persistentStoreKeepsObjectsAcrossRestarts() {
        S3Credentials credentials = S3Credentials.generate();
        try (EmbeddedS3 s3 = timedStart("persistent S3", () -> EmbeddedS3.startPersistent(directory, 0, credentials));
                ObjectStore store = new ObjectStore(config(s3))) {
            store.ensureBucket();
            store.put("experiments/e1/state.json", PAYLOAD);
        }

        try (EmbeddedS3 s3 = EmbeddedS3.startPersistent(directory, 0, credentials);
                ObjectStore store = new ObjectStore(config(s3))) {
            assertEquals(List.of("experiments/e1/state.json"), store.list(""));
            assertArrayEquals(PAYLOAD, store.get("experiments/e1/state.json"));
        }
    }

    @Test
    void transientStoreServesObjectsFromMemory() {
        try (EmbeddedS3 s3 = timedStart("transient S3", () -> EmbeddedS3.startTransient(0, S3Credentials.generate()));
                ObjectStore store = new ObjectStore(config(s3))) {
            store.ensureBucket();
            store.put("a/b", PAYLOAD);

            assertEquals(PAYLOAD.length, store.size("a/b"));
            assertArrayEquals(PAYLOAD, store.get("a/b"));
            assertTrue(s3.endpoint().startsWith("http://127.0.0.1:"), s3.endpoint());
        }
    }

    @Test
    void requestsSignedWithOtherCredentialsAreRejected() {
        try (EmbeddedS3 s3 = EmbeddedS3.startTransient(0, S3Credentials.generate());
                ObjectStore store = new ObjectStore(config(s3))) {
            store.ensureBucket();
            S3Credentials stranger = S3Credentials.generate();
            try (ObjectStore impostor = new ObjectStore(new StoreConfig(s3.endpoint(), stranger.accessKey(),
                    stranger.secretKey(), "emm"))) {
                assertThrows(ObjectStoreException.class, () -> impostor.put("x", PAYLOAD));
            }
            assertEquals(List.of(), store.list(""));
        }
    }

    private static StoreConfig config(EmbeddedS3 s3) {
        return new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), "emm");
    }

    private static EmbeddedS3 timedStart(String label, Supplier<EmbeddedS3> start) {
        long started = System.nanoTime();
        EmbeddedS3 s3 = start.get();
        System.out.printf("%s started in %d ms%n", label, (System.nanoTime() - started) / 1_000_000);
        return s3;
    }
}
