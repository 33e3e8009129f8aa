package dev.emm.orchestrator;

/** A submission over {@link SubmissionReader#MAX_BYTES}: REST answers 413, Kafka rejects and dead-letters it. */
final class SubmissionTooLargeException extends RuntimeException {

    SubmissionTooLargeException(int limit) {
        super("an experiment submission may be at most " + limit + " bytes (a complete spec is about 2 KB)");
    }
}
