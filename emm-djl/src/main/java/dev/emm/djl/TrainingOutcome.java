package dev.emm.djl;

/**
 * @param completed true when the run reached its duration, false when cancelled
 * @param step optimizer steps completed
 * @param images training images consumed
 * @param snapshots snapshots emitted so far (over all resumptions)
 */
public record TrainingOutcome(boolean completed, long step, long images, int snapshots) {
}
