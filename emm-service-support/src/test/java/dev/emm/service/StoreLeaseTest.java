package dev.emm.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.localstack.EmbeddedS3;
import dev.emm.localstack.S3Credentials;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Leases over the embedded S3 store, whose conditional writes behave as MinIO's: two trainers
 * racing for one run never both hold it, a live lease keeps the other waiting until it expires or
 * is released, and a holder whose lease was taken over cannot renew it.
 */
class StoreLeaseTest {

    private static final Duration TERM = Duration.ofSeconds(30);

    private static EmbeddedS3 s3;
    private static ObjectStore store;

    /** A clock the test moves by hand, so expiry needs no waiting. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @BeforeAll
    static void startStore() {
        S3Credentials credentials = S3Credentials.generate();
        s3 = EmbeddedS3.startTransient(0, credentials);
        store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), "leases"));
        store.ensureBucket();
    }

    @AfterAll
    static void stopStore() {
        store.close();
        s3.close();
    }

    @Test
    void aLiveLeaseKeepsTheOtherTrainerOutUntilItExpires() {
        ManualClock clock = new ManualClock();
        StoreLease first = new StoreLease(store, "runs/expiry/lease.json", "trainer-a", TERM, clock);
        StoreLease second = new StoreLease(store, "runs/expiry/lease.json", "trainer-b", TERM, clock);

        assertTrue(first.tryAcquire());
        assertFalse(second.tryAcquire(), "held by trainer-a");
        assertEquals("trainer-a", second.holder().orElseThrow().owner());
        clock.advance(TERM.minusSeconds(1));
        assertTrue(first.renew(), "a renewal before expiry");
        clock.advance(TERM.minusSeconds(1));
        assertFalse(second.tryAcquire(), "the renewal moved the expiry on");

        clock.advance(Duration.ofSeconds(2));
        assertTrue(second.tryAcquire(), "expired: trainer-b takes the run over");
        assertFalse(first.renew(), "trainer-a has lost the run and must stop");
        first.release();
        assertTrue(second.renew(), "trainer-a's release does not touch trainer-b's lease");

        second.release();
        assertTrue(first.tryAcquire(), "a released lease is free at once");
    }

    @Test
    void ofTwoTrainersRacingForEachRunExactlyOneHoldsIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Integer> holders = new ArrayList<>();
            for (int run = 0; run < 20; run++) {
                String key = "runs/race-" + run + "/lease.json";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> claims = new ArrayList<>();
                for (String trainer : List.of("trainer-a", "trainer-b")) {
                    StoreLease lease = new StoreLease(store, key, trainer, TERM, Clock.systemUTC());
                    claims.add(pool.submit(() -> {
                        go.await();
                        return lease.tryAcquire();
                    }));
                }
                go.countDown();
                int held = 0;
                for (Future<Boolean> claim : claims) {
                    held += claim.get() ? 1 : 0;
                }
                holders.add(held);
            }
            assertEquals(Collections.nCopies(20, 1), holders, "holders per run");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoTrainersTakingTurnsNeverTrainTheSameRunAtOnce() throws Exception {
        String key = "runs/turns/lease.json";
        AtomicInteger training = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger trainings = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> trainers = new ArrayList<>();
            for (String trainer : List.of("trainer-a", "trainer-b")) {
                StoreLease lease = new StoreLease(store, key, trainer, TERM, Clock.systemUTC());
                trainers.add(pool.submit(() -> {
                    for (int turn = 0; turn < 5; turn++) {
                        while (!lease.tryAcquire()) {
                            Thread.sleep(5);
                        }
                        mostAtOnce.accumulateAndGet(training.incrementAndGet(), Math::max);
                        for (int step = 0; step < 3; step++) {
                            Thread.sleep(10);
                            assertTrue(lease.renew(), trainer + " keeps its lease while it trains");
                        }
                        training.decrementAndGet();
                        trainings.incrementAndGet();
                        lease.release();
                    }
                    return null;
                }));
            }
            for (Future<?> trainer : trainers) {
                trainer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, trainings.get(), "both trainers trained five times");
        assertEquals(1, mostAtOnce.get(), "trainers holding the run at once");
    }
}
