package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.store.ObjectStore;
import dev.emm.store.ObjectStoreException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault suite's two stack faults: a broker restarted in place, a store away for a while. */
class LocalStackFaultsTest {

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void aRestartedBrokerServesTheSameAddressTopicsAndOffsets() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStackSettings.onFreePorts(directory))) {
            String bootstrap = stack.bootstrapServers();
            KafkaClients.produce(bootstrap, "emm.experiments.progress",
                    IntStream.range(0, 10).mapToObj(i -> "before-" + i).toList());
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(bootstrap, "faults")) {
                consumer.subscribe(List.of("emm.experiments.progress"));
                assertEquals(10, KafkaClients.pollValues(consumer, 10, POLL_TIMEOUT).size());
                consumer.commitSync();

                Duration away = stack.restartBroker();

                assertEquals(bootstrap, stack.bootstrapServers());
                assertTrue(away.toSeconds() < 60, "restarted in " + away);
                KafkaClients.produce(bootstrap, "emm.experiments.progress", List.of("after-0", "after-1"));
                assertEquals(List.of("after-0", "after-1"), KafkaClients.pollValues(consumer, 2, POLL_TIMEOUT),
                        "the consumer from before the restart goes on after its committed offset");
            }
        }
    }

    @Test
    void aPatientClientWaitsOutAStoreOutageAndAnImpatientOneFailsAtOnce() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalStackSettings.onFreePorts(directory));
                ObjectStore patient = new ObjectStore(stack.storeConfig(), Duration.ofSeconds(30));
                ObjectStore impatient = new ObjectStore(stack.storeConfig())) {
            byte[] before = "stored before the outage".getBytes();
            patient.put("experiments/e/state.json", before);
            stack.stopStore();

            long refused = System.nanoTime();
            ObjectStoreException failure = assertThrows(ObjectStoreException.class,
                    () -> impatient.get("experiments/e/state.json"));
            assertInstanceOf(ConnectException.class, failure.getCause());
            assertTrue(System.nanoTime() - refused < 2_000_000_000L, "no waiting without patience");
            assertThrows(ObjectStoreException.class, impatient::probe);

            Thread restart = new Thread(() -> {
                sleep(3_000);
                stack.startStore();
            });
            long waited = System.nanoTime();
            restart.start();
            byte[] read = patient.get("experiments/e/state.json");
            Optional<String> claimed = patient.putIfAbsent("experiments/e/runs/r/lease.json", "{}".getBytes());
            restart.join();

            assertArrayEquals(before, read, "the objects survive the outage");
            assertTrue(claimed.isPresent(), "a conditional write whose connection was refused is tried again");
            double seconds = (System.nanoTime() - waited) / 1e9;
            assertTrue(seconds >= 3 && seconds < 20, "waited " + seconds + " s for a 3 s outage");
            impatient.probe();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
