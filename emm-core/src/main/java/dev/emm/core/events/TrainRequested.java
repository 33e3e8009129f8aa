package dev.emm.core.events;

/** The orchestrator asks for one training run ({@link Topics#TRAIN_REQUESTS}, key: run id). */
public record TrainRequested(int schemaVersion, RunRef run) {

    public static final int VERSION = 1;

    public static TrainRequested of(RunRef run) {
        return new TrainRequested(VERSION, run);
    }
}
