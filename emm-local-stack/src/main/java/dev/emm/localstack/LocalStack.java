package dev.emm.localstack;

import dev.emm.core.events.Topics;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.time.Duration;
import java.util.List;

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
        EmbeddedKafka kafka = EmbeddedKafka.start(settings.kafkaDirectory(), settings.kafkaPort());
        EmbeddedS3 s3 = null;
        try {
            s3 = EmbeddedS3.startPersistent(settings.s3Directory(), settings.s3Port(), settings.credentials());
            createTopics(kafka, settings.trainRequestPartitions());
            prepareStore(storeConfig(s3));
            return new LocalStack(kafka, s3, Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException e) {
            if (s3 != null) {
                s3.close();
            }
            kafka.close();
            throw e;
        }
    }

    private static void createTopics(EmbeddedKafka kafka, int trainRequestPartitions) {
        List<String> singlePartition = Topics.ALL.stream().filter(t -> !t.equals(Topics.TRAIN_REQUESTS)).toList();
        kafka.createTopics(singlePartition, 1);
        kafka.createTopics(List.of(Topics.TRAIN_REQUESTS), trainRequestPartitions);
    }

    private static void prepareStore(StoreConfig config) {
        try (ObjectStore store = new ObjectStore(config)) {
            store.ensureBucket();
            BundledMnist.register(store);
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
