package dev.emm.core.events;

/**
 * A user asks to cancel an experiment ({@link Topics#EXPERIMENTS_CANCEL_REQUESTS}, key: experiment
 * id); the Kafka twin of {@code DELETE /experiments/{id}}. {@code experimentId} null: taken from the key.
 */
public record ExperimentCancelRequested(int schemaVersion, String experimentId) {

    public static final int VERSION = 1;

    public static ExperimentCancelRequested of(String experimentId) {
        return new ExperimentCancelRequested(VERSION, experimentId);
    }
}
