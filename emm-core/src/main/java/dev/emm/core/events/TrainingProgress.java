package dev.emm.core.events;

/**
 * Progress of one training run, emitted at a bounded rate ({@link Topics#TRAINING_PROGRESS}).
 * {@code etaSeconds} is negative when unknown.
 */
public record TrainingProgress(
        int schemaVersion,
        String experimentId,
        String runId,
        long step,
        long totalSteps,
        long images,
        double loss,
        double imagesPerSecond,
        double etaSeconds) {

    public static final int VERSION = 1;
}
