package dev.emm.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service's Quarkus fast-jar started as a process, as docker/entrypoint.sh starts it, with only
 * the KAFKA_, EMM_, QUARKUS_, PYTORCH_ and ENGINE_ variables the caller gives (none inherited).
 */
final class ServiceProcess implements AutoCloseable {

    /** HTTP/1.1 as kubelet probes and curl speak it (no h2c upgrade). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * @param app the fast-jar folder (quarkus-run.jar, lib/, quarkus/, app/)
     * @param work a folder for the log, java.io.tmpdir and the DJL cache
     */
    static ServiceProcess start(Path app, Path work, Map<String, String> env, String... javaOptions) {
        try {
            Files.createDirectories(work);
            int port = freePort();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(javaOptions));
            // Serial GC and C1 only keep several JVMs light on a small CI machine.
            command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m",
                    "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp")),
                    "-Dvertx.cacheDirBase=" + work.resolve("tmp/vertx"),
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                    "-jar", app.resolve("quarkus-run.jar").toString()));
            Path log = work.resolve("service.log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("EMM_")
                    || k.startsWith("QUARKUS_") || k.startsWith("PYTORCH_") || k.startsWith("ENGINE_"));
            pb.environment().put("DJL_CACHE_DIR", work.resolve("djl").toString());
            pb.environment().putAll(env);
            pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
            return new ServiceProcess(pb.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until path answers (any status); false when the process exits first or time runs out. */
    boolean awaitAnswer(String path, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                get(path);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
        return false;
    }

    /** Waits until path answers with the status; false when the process exits first or time runs out. */
    boolean awaitStatus(String path, int status, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try {
                if (get(path).statusCode() == status) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        return false;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The exit code, once the process has ended within the timeout. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
