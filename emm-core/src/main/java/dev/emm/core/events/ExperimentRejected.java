package dev.emm.core.events;

/**
 * A submitted experiment could not be accepted: malformed JSON or an invalid spec
 * ({@link Topics#EXPERIMENTS_REJECTED}). {@code experimentId} is null when the record had none.
 */
public record ExperimentRejected(int schemaVersion, String experimentId, String field, String reason) {

    public static final int VERSION = 1;

    public static ExperimentRejected of(String experimentId, String field, String reason) {
        return new ExperimentRejected(VERSION, experimentId, field, reason);
    }
}
