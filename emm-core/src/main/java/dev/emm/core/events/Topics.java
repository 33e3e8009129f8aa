package dev.emm.core.events;

import java.util.List;

/** Kafka topic names; docs/CONTRACTS.md says who produces and consumes each. */
public final class Topics {

    public static final String EXPERIMENTS_SUBMITTED = "emm.experiments.submitted";
    public static final String EXPERIMENTS_SUBMITTED_DEAD_LETTER = "emm.experiments.submitted.dlq";
    public static final String EXPERIMENTS_REJECTED = "emm.experiments.rejected";
    public static final String EXPERIMENTS_PROGRESS = "emm.experiments.progress";
    public static final String EXPERIMENTS_COMPLETED = "emm.experiments.completed";
    public static final String TRAIN_REQUESTS = "emm.train.requests";
    public static final String TRAINING_PROGRESS = "emm.training.progress";
    public static final String SNAPSHOTS_SAVED = "emm.snapshots.saved";
    public static final String SAMPLES_READY = "emm.samples.ready";
    public static final String METRIC_RESULTS = "emm.metric.results";
    public static final String RUNS_FAILED = "emm.runs.failed";
    public static final String RUNS_CANCELLED = "emm.runs.cancelled";
    public static final String EXPERIMENTS_CANCEL_REQUESTS = "emm.experiments.cancel.requests";

    public static final List<String> ALL = List.of(EXPERIMENTS_SUBMITTED, EXPERIMENTS_SUBMITTED_DEAD_LETTER,
            EXPERIMENTS_REJECTED, EXPERIMENTS_PROGRESS, EXPERIMENTS_COMPLETED, TRAIN_REQUESTS, TRAINING_PROGRESS,
            SNAPSHOTS_SAVED, SAMPLES_READY, METRIC_RESULTS, RUNS_FAILED, RUNS_CANCELLED, EXPERIMENTS_CANCEL_REQUESTS);

    private Topics() {
    }
}
