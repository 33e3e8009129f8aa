package dev.emm.trainer;

/**
 * Training stopped before its end (shutdown, interruption). It propagates out of the consumer so
 * the request is not acknowledged and comes back, to resume from the last checkpoint.
 */
public class TrainingInterruptedException extends RuntimeException {

    public TrainingInterruptedException(String message) {
        super(message);
    }
}
