package dev.emm.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.storage.StorageLayout;
import dev.emm.localstack.EmbeddedS3;
import dev.emm.localstack.S3Credentials;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A snapshot's stored metric summary read over the embedded S3 store. */
class RunDataTest {

    private static EmbeddedS3 s3;
    private static ObjectStore store;
    private static RunData runData;

    @BeforeAll
    static void startStore() {
        S3Credentials credentials = S3Credentials.generate();
        s3 = EmbeddedS3.startTransient(0, credentials);
        store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), "run-data"));
        store.ensureBucket();
        runData = new RunData();
        runData.store = store;
    }

    @AfterAll
    static void stopStore() {
        store.close();
        s3.close();
    }

    @Test
    void aStoredSummaryIsReadAndAMissingOneIsEmpty() {
        String key = StorageLayout.snapshotMetric("exp", "exp-n16-s0", 1);
        MemorizationSummary summary = MemorizationSummary.of(57, 60);
        store.put(key, Json.toBytes(summary));
        assertEquals(Optional.of(summary), runData.storedSummary(key));
        assertEquals(Optional.empty(), runData.storedSummary(StorageLayout.snapshotMetric("exp", "exp-n16-s0", 2)));
    }

    @Test
    void bytesThatAreNoSummaryFailTheRunNamingTheObjectAndTheReason() {
        String key = StorageLayout.snapshotMetric("exp", "exp-n16-s0", 3);
        store.put(key, "garbage".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runData.storedSummary(key));
        assertEquals("metric summary " + key + " (7 bytes) cannot be read: malformed JSON at $: "
                + "Unrecognized token 'garbage': was expecting (JSON String, Number, Array, Object or token 'null', "
                + "'true' or 'false')", e.getMessage());
    }
}
