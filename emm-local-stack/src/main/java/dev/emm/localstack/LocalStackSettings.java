package dev.emm.localstack;

import java.nio.file.Path;

/**
 * How to start a {@link LocalStack}: Kafka's log lives in {@code directory/kafka} and the objects
 * in {@code directory/s3}, so starting again on the same directory keeps every experiment.
 * A port of 0 picks a free port.
 */
public record LocalStackSettings(Path directory, int kafkaPort, int s3Port, S3Credentials credentials,
        int trainRequestPartitions) {

    /** Lets several trainers share the train requests, one partition each. */
    public static final int DEFAULT_TRAIN_REQUEST_PARTITIONS = 4;

    public static LocalStackSettings onFreePorts(Path directory) {
        return new LocalStackSettings(directory, 0, 0, S3Credentials.generate(), DEFAULT_TRAIN_REQUEST_PARTITIONS);
    }

    public Path kafkaDirectory() {
        return directory.resolve("kafka");
    }

    public Path s3Directory() {
        return directory.resolve("s3");
    }
}
