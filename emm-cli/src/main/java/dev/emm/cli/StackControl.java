package dev.emm.cli;

import dev.emm.core.json.Json;
import dev.emm.localstack.LocalStackMain;
import dev.emm.localstack.StackDescriptor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The background stack of {@code emm up}: a local-stack process and the four services, each in
 * its own session so they outlive the CLI, with pid files and logs under the state directory.
 */
final class StackControl {

    static final int KAFKA_PORT = 19092;
    static final int S3_PORT = 19000;
    static final int FIRST_SERVICE_PORT = 18080;

    private final Path state = EmmHome.stateDirectory();
    private final Path pids = state.resolve("pids");
    private final Path logs = state.resolve("logs");
    private final Path stackDirectory = state.resolve("stack");

    Path endpointsFile() {
        return state.resolve("endpoints.json");
    }

    Optional<String> orchestratorUrl() {
        if (!Files.exists(endpointsFile())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readTree(endpointsFile().toFile()).path("orchestratorUrl").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean running(String name) {
        return pid(name).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    void up() throws IOException {
        Files.createDirectories(pids);
        Files.createDirectories(logs);
        if (!running("stack")) {
            startStackProcess();
        }
        StackDescriptor stack = awaitStack(Duration.ofSeconds(90));
        int port = FIRST_SERVICE_PORT;
        for (String service : EmmHome.SERVICES) {
            int servicePort = port++;
            if (running(service)) {
                continue;
            }
            ServiceProcess process = ServiceProcess.start(service, servicePort, stack, logs, true);
            writePid(service, process.pid());
            process.awaitReady(LocalPipeline.START_TIMEOUT);
            System.err.printf("%s ready at %s (pid %d)%n", service, process.url(), process.pid());
        }
        Files.writeString(endpointsFile(), Json.toString(Map.of("orchestratorUrl",
                "http://127.0.0.1:" + FIRST_SERVICE_PORT, "kafkaBootstrapServers", stack.bootstrapServers(),
                "s3Endpoint", stack.s3Endpoint())));
    }

    void down() throws IOException {
        List<String> order = new java.util.ArrayList<>(List.of(EmmHome.SERVICES));
        order.add("stack");
        for (String name : order) {
            Optional<ProcessHandle> handle = pid(name).flatMap(ProcessHandle::of);
            if (handle.isPresent() && handle.get().isAlive()) {
                handle.get().destroy();
                try {
                    handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    System.err.println(name + " stopped");
                } catch (Exception e) {
                    handle.get().destroyForcibly();
                    System.err.println(name + " did not stop in 30 s and was killed");
                }
            }
            Files.deleteIfExists(pids.resolve(name + ".pid"));
        }
        Files.deleteIfExists(endpointsFile());
    }

    StackDescriptor stack() {
        return StackDescriptor.read(stackDirectory.resolve(StackDescriptor.FILE_NAME))
                .orElseThrow(() -> new CliException("no local stack is up: run ./emm up"));
    }

    private void startStackProcess() throws IOException {
        Files.createDirectories(stackDirectory);
        Path log = logs.resolve("stack.log");
        long logOffset = Files.exists(log) ? Files.size(log) : 0;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder("setsid", java.toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), LocalStackMain.class.getName(), "--dir",
                stackDirectory.toString(), "--kafka-port", Integer.toString(KAFKA_PORT), "--s3-port",
                Integer.toString(S3_PORT))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        writePid("stack", process.pid());
        awaitLine(log, logOffset, "ready", process, Duration.ofSeconds(90));
    }

    private StackDescriptor awaitStack(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<StackDescriptor> stack = StackDescriptor.read(stackDirectory.resolve(StackDescriptor.FILE_NAME));
            if (stack.isPresent() && running("stack")) {
                return stack.get();
            }
            sleep();
        }
        throw new CliException("the local stack did not come up; see " + logs.resolve("stack.log"));
    }

    /** Waits for {@code line} among what the process wrote to its log after {@code offset} bytes. */
    private static void awaitLine(Path log, long offset, String line, Process process, Duration timeout)
            throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.size(log) > offset) {
                byte[] bytes = Files.readAllBytes(log);
                String written = new String(bytes, (int) offset, bytes.length - (int) offset,
                        java.nio.charset.StandardCharsets.UTF_8);
                if (written.lines().anyMatch(line::equals)) {
                    return;
                }
            }
            if (!process.isAlive()) {
                throw new CliException("the local stack exited during start; see " + log);
            }
            sleep();
        }
        throw new CliException("the local stack was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    private Optional<Long> pid(String name) {
        Path file = pids.resolve(name + ".pid");
        try {
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void writePid(String name, long pid) throws IOException {
        Files.writeString(pids.resolve(name + ".pid"), Long.toString(pid));
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }
}
