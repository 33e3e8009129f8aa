package dev.emm.cli;

import dev.emm.djl.GlibcMallocEnvironment;
import dev.emm.localstack.StackDescriptor;
import java.io.IOException;
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

/**
 * One of the four services, started from its own Quarkus jar as a separate JVM, exactly as a pod
 * runs it. Connection settings and credentials travel in the environment, never on the command
 * line, where any user could read them.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String service;
    private final String instance;
    private final int port;
    private final Path logFile;
    private final ProcessHandle handle;

    private ServiceProcess(String service, String instance, int port, Path logFile, ProcessHandle handle) {
        this.service = service;
        this.instance = instance;
        this.port = port;
        this.logFile = logFile;
        this.handle = handle;
    }

    /**
     * One service of a pipeline with one trainer.
     *
     * @param detached true to start it in its own session, so it outlives this CLI (./emm up)
     */
    public static ServiceProcess start(String service, int port, StackDescriptor stack, Path logDirectory, boolean detached) {
        return start(service, service, port, stack, logDirectory, detached, Map.of(), ThreadPlan.forThisMachine(1));
    }

    /**
     * @param instance the name of this process (its log file), e.g. trainer-service-2 for a second trainer
     * @param settings environment variables set for this process only (service configuration)
     * @param threads the pipeline's thread plan; EMM_TORCH_THREADS in this CLI's environment overrides it
     */
    public static ServiceProcess start(String service, String instance, int port, StackDescriptor stack,
            Path logDirectory, boolean detached, Map<String, String> settings, ThreadPlan threads) {
        Path logFile = logDirectory.resolve(instance + ".log");
        ProcessBuilder builder = new ProcessBuilder(commandLine(service, EmmHome.serviceJar(service), detached, threads))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("EMM_STORE_ENDPOINT", stack.s3Endpoint());
        env.put("EMM_STORE_ACCESS_KEY", stack.accessKey());
        env.put("EMM_STORE_SECRET_KEY", stack.secretKey());
        env.put("EMM_STORE_BUCKET", stack.bucket());
        env.putAll(settings);
        threads.threadsFor(service).ifPresent(n -> env.putIfAbsent("EMM_TORCH_THREADS", Integer.toString(n)));
        threads.shardsFor(service).ifPresent(n -> env.putIfAbsent("EMM_TRAIN_SHARDS", Integer.toString(n)));
        // Trainer, sampler and metric share the machine's cores; libtorch's OpenMP threads spinning
        // while they wait would starve the other services' threads.
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        GlibcMallocEnvironment.variables(threads.shardsFor(service).orElse(1)).forEach(env::putIfAbsent);
        // One trainer on one machine: after a crash its restart should not wait out the cluster's
        // two-minute lease; progress renews the lease every 2 s, so 30 s still leaves a wide margin.
        env.putIfAbsent("EMM_TRAINER_LEASE_SECONDS", "30");
        // An orchestrator restarted after a crash waits for its predecessor's lease to expire (a
        // new process is a new owner); renewed every third of it, 10 s keeps that wait short.
        env.putIfAbsent("EMM_ORCHESTRATOR_LEASE_SECONDS", "10");
        if ("trainer-service".equals(service)) {
            // The paper's training loop switches TF32 off; DJL cannot reach libtorch's switches, but
            // cuBLAS and cuDNN read this variable at start (emm-djl/README.md). No effect on a CPU.
            env.putIfAbsent("NVIDIA_TF32_OVERRIDE", "0");
        }
        try {
            Files.createDirectories(logDirectory);
            Process process = builder.start();
            return new ServiceProcess(service, instance, port, logFile, process.toHandle());
        } catch (IOException e) {
            throw new CliException("cannot start " + instance + ": " + e.getMessage(), e);
        }
    }

    /** The service's command line: its JVM, under setsid if detached and under nice if the plan says so. */
    static List<String> commandLine(String service, Path jar, boolean detached, ThreadPlan threads) {
        List<String> command = new ArrayList<>();
        if (detached) {
            command.add("setsid");
        }
        threads.nicenessFor(service).ifPresent(n -> command.addAll(List.of("nice", "-n", Integer.toString(n))));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:+UseSerialGC", "-Xmx2g", "-Dai.djl.offline=true", "-jar", jar.toString()));
        return command;
    }

    public String service() {
        return service;
    }

    public String instance() {
        return instance;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return handle.pid();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public boolean alive() {
        return handle.isAlive();
    }

    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!handle.isAlive()) {
                throw new CliException(instance + " exited during start; last lines of " + logFile + ":\n" + logTail(20));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted while waiting for " + instance);
            }
            sleep(250);
        }
        throw new CliException(instance + " was not ready within " + timeout.toSeconds() + " s; last lines of " + logFile
                + ":\n" + logTail(20));
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Asks the service to stop (SIGTERM, a graceful Quarkus shutdown), then forces it after a grace period. */
    public void stop() {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
        }
    }

    /** Kills the service at once (SIGKILL), as a crash would. */
    public void kill() {
        handle.destroyForcibly();
        handle.onExit().join();
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
