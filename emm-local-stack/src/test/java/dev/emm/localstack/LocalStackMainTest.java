package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.events.Topics;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher as a separate process, the way {@code ./emm up} does, and stops it with SIGTERM. */
@Tag("slow")
class LocalStackMainTest {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final int EXIT_ON_SIGTERM = 128 + 15;
    private static final byte[] EXPERIMENT_STATE = "{\"round\":3}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void restartOnTheSameDirectoryKeepsCredentialsObjectsAndRecords() throws Exception {
        Path stackFile = directory.resolve(StackDescriptor.FILE_NAME);
        String stateKey = StorageLayout.experimentState("kept");

        RunningStack first = launch("first");
        StackDescriptor firstRun = StackDescriptor.read(stackFile).orElseThrow();
        assertEquals(first.process.pid(), firstRun.pid());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(stackFile));
        assertEquals(StorageLayout.DEFAULT_BUCKET, firstRun.bucket());
        try (ObjectStore store = new ObjectStore(firstRun.storeConfig())) {
            store.put(stateKey, EXPERIMENT_STATE);
        }
        KafkaClients.produce(firstRun.bootstrapServers(), Topics.EXPERIMENTS_SUBMITTED, List.of("experiment-kept"));
        first.stop();

        RunningStack second = launch("restarted");
        StackDescriptor secondRun = StackDescriptor.read(stackFile).orElseThrow();
        assertEquals(second.process.pid(), secondRun.pid());
        assertEquals(firstRun.credentials(), secondRun.credentials());
        try (ObjectStore store = new ObjectStore(secondRun.storeConfig())) {
            assertArrayEquals(EXPERIMENT_STATE, store.get(stateKey));
        }
        try (KafkaConsumer<String, String> consumer =
                KafkaClients.consumer(secondRun.bootstrapServers(), "main-test-reader")) {
            consumer.subscribe(List.of(Topics.EXPERIMENTS_SUBMITTED));
            assertEquals(List.of("experiment-kept"), KafkaClients.pollValues(consumer, 1, Duration.ofSeconds(30)));
        }
        second.stop();

        for (RunningStack run : List.of(first, second)) {
            assertEquals(List.of("ready"), run.stdout);
            String stderr = Files.readString(run.stderr);
            assertFalse(stderr.contains(firstRun.secretKey()), "the secret reached stderr");
        }
    }

    private RunningStack launch(String label) throws Exception {
        Path stderr = directory.resolve(label + ".stderr");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-cp", System.getProperty("java.class.path"),
                LocalStackMain.class.getName(),
                "--dir", directory.toString(), "--kafka-port", "0", "--s3-port", "0")
                .redirectError(stderr.toFile())
                .start();
        RunningStack run = new RunningStack(process, stderr);
        Thread reader = new Thread(run::collectStdout, "stack-stdout-" + label);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (run.stdout.isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(List.of("ready"), run.stdout, () -> "no ready line; stderr: " + readQuietly(stderr));
        System.out.printf("%s LocalStackMain process ready %d ms after launch%n", label,
                (System.nanoTime() - started) / 1_000_000);
        return run;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static final class RunningStack {
        final Process process;
        final Path stderr;
        final List<String> stdout = new CopyOnWriteArrayList<>();

        RunningStack(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        void collectStdout() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stdout.add(line);
                }
            } catch (IOException e) {
                stdout.add("stdout unreadable: " + e);
            }
        }

        /** SIGTERM, as the CLI sends it; the JVM's shutdown hook must close both servers. */
        void stop() throws InterruptedException {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the stack ignored SIGTERM");
            assertEquals(EXIT_ON_SIGTERM, process.exitValue());
        }
    }
}
