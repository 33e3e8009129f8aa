package dev.emm.core.events;

/**
 * The orchestrator needs no more of a run ({@link Topics#RUNS_CANCELLED}, key: run id): its size
 * is decided ({@code memorizing} or {@code not_memorizing} at {@code snapshot}), or its experiment
 * was cancelled ({@code experiment_cancelled}, snapshot null) or failed because another of its runs
 * failed ({@code experiment_failed}, snapshot null). Before publishing, the orchestrator
 * stores the run's cancelled marker, so a worker that reads the marker skips the run's queued work
 * even if it never sees this event. The trainer stops at its next step and keeps a checkpoint.
 */
public record RunCancelled(int schemaVersion, String experimentId, String runId, int size, String reason,
        Integer snapshot) {

    public static final int VERSION = 1;
    public static final String MEMORIZING = "memorizing";
    public static final String NOT_MEMORIZING = "not_memorizing";
    public static final String EXPERIMENT_CANCELLED = "experiment_cancelled";
    public static final String EXPERIMENT_FAILED = "experiment_failed";

    public static RunCancelled of(String experimentId, String runId, int size, String reason, Integer snapshot) {
        return new RunCancelled(VERSION, experimentId, runId, size, reason, snapshot);
    }
}
