package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import dev.emm.store.VersionedObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded store answers conditional writes as S3 and MinIO do (the leases depend on it),
 * on both of its backends: If-None-Match: * creates only a free key, If-Match replaces only the
 * version named, and of racing writers with the same condition exactly one succeeds.
 */
class ConditionalWritesTest {

    private static final int RACERS = 8;
    private static final int ROUNDS = 10;

    @TempDir
    Path directory;

    private EmbeddedS3 s3;
    private ObjectStore store;

    private void start(boolean persistent) {
        S3Credentials credentials = S3Credentials.generate();
        s3 = persistent ? EmbeddedS3.startPersistent(directory, 0, credentials) : EmbeddedS3.startTransient(0, credentials);
        store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), "conditional"));
        store.ensureBucket();
    }

    @AfterEach
    void stop() {
        store.close();
        s3.close();
    }

    @ParameterizedTest(name = "persistent {0}")
    @ValueSource(booleans = {false, true})
    void aConditionalWriteHappensOnlyIfItsConditionHolds(boolean persistent) {
        start(persistent);
        Optional<String> created = store.putIfAbsent("lease", bytes("first"));
        assertTrue(created.isPresent(), "a free key is created");
        assertEquals(Optional.empty(), store.putIfAbsent("lease", bytes("second")), "a taken key is not");
        VersionedObject read = store.findVersioned("lease").orElseThrow();
        assertArrayEquals(bytes("first"), read.bytes());
        assertEquals(created.get(), read.etag(), "the version read is the version written");

        Optional<String> replaced = store.putIfMatch("lease", bytes("third"), read.etag());
        assertTrue(replaced.isPresent(), "the version read is replaced");
        assertFalse(replaced.get().equals(read.etag()), "a new version");
        assertEquals(Optional.empty(), store.putIfMatch("lease", bytes("fourth"), read.etag()), "a stale version is not");
        assertArrayEquals(bytes("third"), store.get("lease"));
        assertEquals(Optional.empty(), store.putIfMatch("missing", bytes("x"), read.etag()), "nor a missing key");
        assertFalse(store.exists("missing"));
        assertEquals(Optional.empty(), store.findVersioned("missing"));

        store.put("lease", bytes("unconditional"));
        assertArrayEquals(bytes("unconditional"), store.get("lease"), "a plain PUT still overwrites");
    }

    @ParameterizedTest(name = "persistent {0}")
    @ValueSource(booleans = {false, true})
    void ofRacingWritersWithTheSameConditionExactlyOneWins(boolean persistent) throws Exception {
        start(persistent);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Integer> createWinners = new ArrayList<>();
            List<Integer> replaceWinners = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                String key = "race-" + round;
                createWinners.add(race(pool, racer -> store.putIfAbsent(key, bytes("racer " + racer))));
                String version = store.findVersioned(key).orElseThrow().etag();
                replaceWinners.add(race(pool, racer -> store.putIfMatch(key, bytes("taker " + racer), version)));
            }
            assertEquals(java.util.Collections.nCopies(ROUNDS, 1), createWinners, "winners of If-None-Match per round");
            assertEquals(java.util.Collections.nCopies(ROUNDS, 1), replaceWinners, "winners of If-Match per round");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Lets RACERS writers go at once; returns how many of them succeeded. */
    private static int race(ExecutorService pool, Function<Integer, Optional<String>> write) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<String>>> results = new ArrayList<>();
        for (int racer = 0; racer < RACERS; racer++) {
            int id = racer;
            Callable<Optional<String>> task = () -> {
                start.await();
                return write.apply(id);
            };
            results.add(pool.submit(task));
        }
        start.countDown();
        int winners = 0;
        for (Future<Optional<String>> result : results) {
            winners += result.get().isPresent() ? 1 : 0;
        }
        return winners;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
