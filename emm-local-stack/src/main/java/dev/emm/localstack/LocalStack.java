package dev.emm.localstack;

import dev.emm.core.events.Topics;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Everything the services need on one machine: a Kafka broker with every EMM topic, an S3 store
 * with the EMM bucket, and the bundled MNIST registered in it. Broker and store can each be
 * stopped and started again on their ports and data (the fault suite's broker restart and store
 * outage); clients see a broker or store that went away and came back.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalStackSettings settings;
    private final String bootstrapServers;
    private final StoreConfig storeConfig;
    private final Duration startupTime;
    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;

    private LocalStack(LocalStackSettings settings, EmbeddedKafka kafka, EmbeddedS3 s3, Duration startupTime) {
        this.settings = settings;
        this.kafka = kafka;
        this.s3 = s3;
        this.bootstrapServers = kafka.bootstrapServers();
        this.storeConfig = storeConfig(s3);
        this.startupTime = startupTime;
    }

    public static LocalStack start(LocalStackSettings settings) {
        long started = System.nanoTime();
        // Broker and store share nothing and each spends seconds loading classes, so they start
        // side by side. The store gets a thread of its own rather than a pool's: a new thread
        // inherits the caller's context class loader, through which jclouds finds its providers.
        FutureTask<EmbeddedS3> storeStart = new FutureTask<>(() -> startStore(settings));
        new Thread(storeStart, "emm-local-stack-store-start").start();
        EmbeddedKafka kafka;
        try {
            kafka = startBroker(settings);
        } catch (RuntimeException e) {
            closeWhenStarted(storeStart, e);
            throw e;
        }
        try {
            EmbeddedS3 s3 = await(storeStart);
            return new LocalStack(settings, kafka, s3, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static EmbeddedKafka startBroker(LocalStackSettings settings) {
        EmbeddedKafka kafka = EmbeddedKafka.start(settings.kafkaDirectory(), settings.kafkaPort());
        try {
            List<String> singlePartition = Topics.ALL.stream().filter(t -> !t.equals(Topics.TRAIN_REQUESTS)).toList();
            kafka.createTopics(singlePartition, 1);
            kafka.createTopics(List.of(Topics.TRAIN_REQUESTS), settings.trainRequestPartitions());
            return kafka;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static EmbeddedS3 startStore(LocalStackSettings settings) {
        EmbeddedS3 s3 = EmbeddedS3.startPersistent(settings.s3Directory(), settings.s3Port(), settings.credentials());
        try (ObjectStore store = new ObjectStore(storeConfig(s3))) {
            store.ensureBucket();
            return s3;
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    private static EmbeddedS3 await(FutureTask<EmbeddedS3> storeStart) {
        try {
            return storeStart.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("the local S3 store did not start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the local S3 store was starting", e);
        }
    }

    /** The broker failed; the store may still come up and must not be left running. */
    private static void closeWhenStarted(FutureTask<EmbeddedS3> storeStart, RuntimeException brokerFailure) {
        try {
            await(storeStart).close();
        } catch (RuntimeException storeFailure) {
            brokerFailure.addSuppressed(storeFailure);
        }
    }

    private static StoreConfig storeConfig(EmbeddedS3 s3) {
        return new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(), StorageLayout.DEFAULT_BUCKET);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public StoreConfig storeConfig() {
        return storeConfig;
    }

    /**
     * Shuts the broker down and starts it again on the same port and log directory: topics,
     * records and committed offsets are kept, and clients reconnect to the address they know.
     *
     * @return how long the broker was away
     */
    public synchronized Duration restartBroker() {
        long stopped = System.nanoTime();
        kafka.close();
        kafka = EmbeddedKafka.restart(settings.kafkaDirectory(), port(bootstrapServers));
        return Duration.ofNanos(System.nanoTime() - stopped);
    }

    /** Stops the store (connections are refused) until {@link #startStore}; the objects stay on disk. */
    public synchronized void stopStore() {
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    /** Serves the stored objects again on the store's old port, with the same credentials. */
    public synchronized void startStore() {
        if (s3 == null) {
            s3 = EmbeddedS3.startPersistent(settings.s3Directory(), port(storeConfig.endpoint()),
                    new S3Credentials(storeConfig.accessKey(), storeConfig.secretKey()));
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** From the call to {@link #start} until topics, bucket and MNIST were in place. */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public synchronized void close() {
        try {
            stopStore();
        } finally {
            kafka.close();
        }
    }
}
