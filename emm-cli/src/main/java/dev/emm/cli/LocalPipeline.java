package dev.emm.cli;

import dev.emm.localstack.LocalStack;
import dev.emm.localstack.LocalStackSettings;
import dev.emm.localstack.StackDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on one machine: an in-process Kafka broker and S3 store, and the four
 * services as separate JVMs talking to them over real topics, exactly as in a cluster.
 */
public final class LocalPipeline implements AutoCloseable {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    public static final String TRAINER = "trainer-service";

    private final LocalStack stack;
    private final StackDescriptor descriptor;
    private final Path logDirectory;
    private final ThreadPlan threads;
    /** By instance; a restart replaces an entry, possibly from another thread (the fault suite). */
    private final Map<String, ServiceProcess> services = Collections.synchronizedMap(new LinkedHashMap<>());
    /** The environment each instance was started with, which a restart keeps. */
    private final Map<String, Map<String, String>> settings = new HashMap<>();

    private LocalPipeline(LocalStack stack, Path logDirectory, ThreadPlan threads) {
        this.stack = stack;
        this.descriptor = StackDescriptor.of(stack);
        this.logDirectory = logDirectory;
        this.threads = threads;
    }

    public static LocalPipeline start(Path directory, PrintStream log) {
        return start(directory, log, List.of(EmmHome.SERVICES));
    }

    /** The broker, the store and only the named services (a service's own tests need no others). */
    public static LocalPipeline start(Path directory, PrintStream log, List<String> serviceNames) {
        return start(directory, log, serviceNames, 1, Map.of());
    }

    /**
     * @param trainers how many trainer-service processes to run if it is named (up to the train
     *     request partitions train at once); the first is trainer-service, the others
     *     trainer-service-2, -3, ...
     * @param trainerSettings environment variables for every trainer (service configuration)
     */
    public static LocalPipeline start(Path directory, PrintStream log, List<String> serviceNames, int trainers,
            Map<String, String> trainerSettings) {
        return start(directory, log, serviceNames, trainers, Map.of(), trainerSettings);
    }

    /**
     * @param serviceSettings environment variables for every service (e.g. Kafka client settings
     *     such as KAFKA_SESSION_TIMEOUT_MS); a trainer's own settings take precedence
     */
    public static LocalPipeline start(Path directory, PrintStream log, List<String> serviceNames, int trainers,
            Map<String, String> serviceSettings, Map<String, String> trainerSettings) {
        long started = System.nanoTime();
        LocalStack stack = LocalStack.start(LocalStackSettings.onFreePorts(directory));
        LocalPipeline pipeline = new LocalPipeline(stack, directory.resolve("logs"),
                ThreadPlan.forThisMachine(serviceNames.contains(TRAINER) ? trainers : 1));
        try {
            log.printf("local stack up in %.1f s (Kafka %s, S3 %s); starting services, logs in %s%n",
                    stack.startupTime().toMillis() / 1000.0, stack.bootstrapServers(), stack.storeConfig().endpoint(),
                    pipeline.logDirectory);
            String override = System.getenv("EMM_TORCH_THREADS");
            if (override != null) {
                log.printf("libtorch intra-op threads per process: %s (EMM_TORCH_THREADS from the environment)%n", override);
            } else {
                log.printf("libtorch intra-op threads per process: trainer %d in each of %d shard(s) of a step "
                        + "at nice %d, sampler %d, metric %d (%d processors)%n",
                        pipeline.threads.trainer(), pipeline.threads.trainerShards(), ThreadPlan.TRAINER_NICENESS,
                        pipeline.threads.sampler(), pipeline.threads.metric(), Runtime.getRuntime().availableProcessors());
            }
            for (String service : serviceNames) {
                boolean trainer = service.equals(TRAINER);
                for (int i = 1; i <= (trainer ? trainers : 1); i++) {
                    String instance = i == 1 ? service : service + "-" + i;
                    Map<String, String> environment = new HashMap<>(serviceSettings);
                    if (trainer) {
                        environment.putAll(trainerSettings);
                    }
                    pipeline.settings.put(instance, Map.copyOf(environment));
                    pipeline.services.put(instance, ServiceProcess.start(service, instance, freePort(),
                            pipeline.descriptor, pipeline.logDirectory, false, environment, pipeline.threads));
                }
            }
            for (ServiceProcess service : pipeline.services.values()) {
                service.awaitReady(START_TIMEOUT);
            }
            log.printf("pipeline ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    public OrchestratorClient orchestrator() {
        return new OrchestratorClient(service("orchestrator").url());
    }

    public ServiceProcess service(String name) {
        ServiceProcess service = services.get(name);
        if (service == null) {
            throw new IllegalStateException(name + " is not started in this pipeline (only " + services.keySet() + ")");
        }
        return service;
    }

    public StackDescriptor stack() {
        return descriptor;
    }

    /** The instances started, in start order (trainer-service, trainer-service-2, ...). */
    public List<String> instances() {
        synchronized (services) {
            return List.copyOf(services.keySet());
        }
    }

    /** Starts a service again on its old port and with its settings, after a stop or a kill. */
    public void restart(String name) {
        restart(name, Map.of());
    }

    /**
     * Starts a service again on its old port, after a stop or a kill, with these settings added to
     * those it was started with.
     */
    public void restart(String name, Map<String, String> extraSettings) {
        ServiceProcess old = service(name);
        old.stop();
        Map<String, String> environment = new HashMap<>(settings.getOrDefault(name, Map.of()));
        environment.putAll(extraSettings);
        ServiceProcess fresh = ServiceProcess.start(old.service(), name, old.port(), descriptor, logDirectory, false,
                environment, threads);
        services.put(name, fresh);
        fresh.awaitReady(START_TIMEOUT);
    }

    /** Shuts the broker down and starts it again on its port and data (services reconnect); how long it was away. */
    public Duration restartBroker() {
        return stack.restartBroker();
    }

    /** Stops the object store (its port refuses connections) until {@link #startStore}; the objects stay. */
    public void stopStore() {
        stack.stopStore();
    }

    /** Serves the objects again on the store's old port. */
    public void startStore() {
        stack.startStore();
    }

    /** Throws, with the log's tail, if any service has died. */
    public void checkAlive() {
        List<ServiceProcess> running;
        synchronized (services) {
            running = List.copyOf(services.values());
        }
        for (ServiceProcess service : running) {
            if (!service.alive()) {
                throw new CliException(service.instance() + " stopped unexpectedly; last log lines:\n" + service.logTail(30));
            }
        }
    }

    @Override
    public void close() {
        List<ServiceProcess> running;
        synchronized (services) {
            running = List.copyOf(services.values());
        }
        running.parallelStream().forEach(ServiceProcess::stop);
        stack.close();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
