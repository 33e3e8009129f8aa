package dev.emm.djl;

/**
 * Receives a training run's events on the training thread; an exception thrown here stops the run
 * (resume from the last checkpoint). Byte arrays are owned by the receiver.
 */
public interface TrainingListener {

    /** Progress, at most once per {@link TrainingRun.Options#progressIntervalMillis()} and at the last step. */
    default void progress(RunProgress progress) {
    }

    /**
     * A model snapshot ({@link ModelSnapshot} format), every {@code snapshotEveryImages} images and once
     * at the end. Indices run 1, 2, ... without gaps; 0 (the untrained network) is never emitted.
     */
    default void snapshot(int index, byte[] modelBytes) {
    }

    /** A resumable checkpoint, every {@code checkpointEveryImages} images (not at the end). */
    default void checkpoint(byte[] checkpointBytes) {
    }
}
