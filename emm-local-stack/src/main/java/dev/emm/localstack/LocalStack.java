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
 * with the EMM bucket, and the bundled MNIST registered in it.
 */
public final class LocalStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final Duration startupTime;

    private LocalStack(EmbeddedKafka kafka, EmbeddedS3 s3, Duration startupTime) {
        this.kafka = kafka;
        this.s3 = s3;
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
            return new LocalStack(kafka, s3, Duration.ofNanos(System.nanoTime() - started));
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
        return kafka.bootstrapServers();
    }

    public StoreConfig storeConfig() {
        return storeConfig(s3);
    }

    /** From the call to {@link #start} until topics, bucket and MNIST were in place. */
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        try {
            s3.close();
        } finally {
            kafka.close();
        }
    }
}
