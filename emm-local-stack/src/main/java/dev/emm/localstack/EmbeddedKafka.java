package dev.emm.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft broker (broker and controller in one server) running in this JVM.
 * Its log directory survives restarts: starting again on the same directory finds the topics
 * and the committed consumer offsets of the previous run.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    /** A port picked as free can be taken by another process before the broker binds it. */
    private static final int BIND_ATTEMPTS = 3;
    private static final String META_PROPERTIES = "meta.properties";
    private static final Duration TOPIC_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPIC_VISIBILITY_POLL = Duration.ofMillis(20);
    private static final Duration RESTART_BIND_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on {@code dataDir} (formatted on first use); port 0 picks a free port. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        for (int attempt = 1; ; attempt++) {
            int brokerPort = port == 0 ? freePort() : port;
            try {
                return startOn(dataDir, brokerPort, freePort());
            } catch (RuntimeException e) {
                if (attempt == BIND_ATTEMPTS || !causedByBindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Starts a broker again on {@code dataDir} and the port it served before, waiting out a port
     * the operating system still holds for the closed listener's connections.
     */
    public static EmbeddedKafka restart(Path dataDir, int port) {
        long deadline = System.nanoTime() + RESTART_BIND_TIMEOUT.toNanos();
        while (true) {
            try {
                return startOn(dataDir, port, freePort());
            } catch (RuntimeException e) {
                if (!causedByBindFailure(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(Duration.ofMillis(500));
            }
        }
    }

    private static EmbeddedKafka startOn(Path dataDir, int brokerPort, int controllerPort) {
        Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
        formatUnlessFormatted(dataDir);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new EmbeddedKafka(server, HOST + ":" + brokerPort);
    }

    private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // A static voter set: the controller's port may change between restarts without a
        // quorum reconfiguration, which a dynamic (formatted) voter set would need.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        // One node cannot hold more than one replica of the internal topics.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer offsets partitions make a test's first consumer group join in milliseconds, not seconds.
        props.put("offsets.topic.num.partitions", "5");
        // A group must not wait 3 s for more members: tests and the local run have one consumer each.
        props.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner reserves this much heap up front; the default 128 MiB is sized for production.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        return props;
    }

    /**
     * Writes the cluster's first metadata. A directory formatted before is left alone: the
     * formatter would reject it for carrying another cluster id than the fresh one given here.
     */
    private static void formatUnlessFormatted(Path dataDir) {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            new Formatter()
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                    .run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates the topics that do not exist yet (existing ones keep their partition count) and
     * returns once the broker serves all of them: the controller acknowledges a creation before
     * the broker's metadata has caught up, and a client that came too early would be told the
     * topic does not exist.
     */
    public void createTopics(Collection<String> names, int partitions) {
        List<NewTopic> topics = names.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                awaitCreation(entry.getKey(), entry.getValue());
            }
            awaitServed(admin, names);
        }
    }

    private static void awaitCreation(String topic, KafkaFuture<Void> creation) {
        try {
            creation.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating topic " + topic + " failed", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    private static void awaitServed(Admin admin, Collection<String> names) {
        long deadline = System.nanoTime() + TOPIC_VISIBILITY_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " did not become available", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
            sleep(TOPIC_VISIBILITY_POLL);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    private static boolean causedByBindFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
