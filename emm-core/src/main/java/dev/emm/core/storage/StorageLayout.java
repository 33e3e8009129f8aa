package dev.emm.core.storage;

/**
 * Deterministic object keys (docs/STORAGE.md). Every key is a function of ids that the events
 * carry, so a repeated event finds its result where the first delivery stored it.
 */
public final class StorageLayout {

    public static final String DEFAULT_BUCKET = "emm";

    private StorageLayout() {
    }

    public static String datasetPrefix(String dataset) {
        return "datasets/" + dataset + "/";
    }

    public static String datasetManifest(String dataset) {
        return datasetPrefix(dataset) + "manifest.json";
    }

    public static String datasetImages(String dataset) {
        return datasetPrefix(dataset) + "images.emmds.gz";
    }

    public static String experimentPrefix(String experimentId) {
        return "experiments/" + experimentId + "/";
    }

    public static String experimentState(String experimentId) {
        return experimentPrefix(experimentId) + "state.json";
    }

    /** The bytes of a state that could not be read at start, kept for an operator when the experiment is failed. */
    public static String experimentUnreadableState(String experimentId) {
        return experimentPrefix(experimentId) + "state.unreadable";
    }

    public static String experimentResult(String experimentId) {
        return experimentPrefix(experimentId) + "result.json";
    }

    public static String sweepPrefix(String sweepId) {
        return "sweeps/" + sweepId + "/";
    }

    /** A sweep's members and their specs (SweepState); each member is an experiment of its own. */
    public static String sweepState(String sweepId) {
        return sweepPrefix(sweepId) + "sweep.json";
    }

    public static String runPrefix(String experimentId, String runId) {
        return experimentPrefix(experimentId) + "runs/" + runId + "/";
    }

    /** The exact images the run trained on, which the metric compares against. */
    public static String runTrainingSubset(String experimentId, String runId) {
        return runPrefix(experimentId, runId) + "training-subset.emmds.gz";
    }

    public static String runCheckpoint(String experimentId, String runId) {
        return runPrefix(experimentId, runId) + "checkpoint.bin";
    }

    /** The run's loss per progress report and its training time (TrainingLog); network runs only. */
    public static String runTrainingLog(String experimentId, String runId) {
        return runPrefix(experimentId, runId) + "training-log.json";
    }

    /** Which orchestrator process acts, and until when; a second one waits for it (orchestrator's OrchestratorLease). */
    public static String orchestratorLease() {
        return "orchestrator/lease.json";
    }

    /** Who trains the run now, and until when; see trainer-service's RunLease. */
    public static String runLease(String experimentId, String runId) {
        return runPrefix(experimentId, runId) + "lease.json";
    }

    /** Present while the orchestrator needs no more of the run: workers skip its queued work. */
    public static String runCancelled(String experimentId, String runId) {
        return runPrefix(experimentId, runId) + "cancelled.json";
    }

    public static String snapshotPrefix(String experimentId, String runId, int snapshot) {
        return runPrefix(experimentId, runId) + "snapshots/" + String.format("%06d", snapshot) + "/";
    }

    public static String snapshotModel(String experimentId, String runId, int snapshot) {
        return snapshotPrefix(experimentId, runId, snapshot) + "model.bin";
    }

    public static String snapshotSamples(String experimentId, String runId, int snapshot) {
        return snapshotPrefix(experimentId, runId, snapshot) + "samples.emmds.gz";
    }

    public static String snapshotDistances(String experimentId, String runId, int snapshot) {
        return snapshotPrefix(experimentId, runId, snapshot) + "distances.bin";
    }

    public static String snapshotMetric(String experimentId, String runId, int snapshot) {
        return snapshotPrefix(experimentId, runId, snapshot) + "metric.json";
    }
}
