package dev.emm.core.events;

import java.util.List;
import java.util.stream.Stream;

/**
 * Kafka topic names; docs/CONTRACTS.md says who produces and consumes each. Every topic a service
 * consumes has a dead-letter topic, its name plus {@code .dlq}, for the records it cannot read.
 */
public final class Topics {

    public static final String EXPERIMENTS_SUBMITTED = "emm.experiments.submitted";
    public static final String EXPERIMENTS_SUBMITTED_DEAD_LETTER = deadLetter(EXPERIMENTS_SUBMITTED);
    public static final String EXPERIMENTS_REJECTED = "emm.experiments.rejected";
    public static final String EXPERIMENTS_PROGRESS = "emm.experiments.progress";
    public static final String EXPERIMENTS_COMPLETED = "emm.experiments.completed";
    public static final String SWEEPS_COMPLETED = "emm.sweeps.completed";
    public static final String TRAIN_REQUESTS = "emm.train.requests";
    public static final String TRAINING_PROGRESS = "emm.training.progress";
    public static final String SNAPSHOTS_SAVED = "emm.snapshots.saved";
    public static final String SAMPLES_READY = "emm.samples.ready";
    public static final String SAMPLES_REQUESTS = "emm.samples.requests";
    public static final String METRIC_RESULTS = "emm.metric.results";
    public static final String RUNS_FAILED = "emm.runs.failed";
    public static final String RUNS_CANCELLED = "emm.runs.cancelled";
    public static final String EXPERIMENTS_CANCEL_REQUESTS = "emm.experiments.cancel.requests";

    /** The topics the services consume, each with its dead-letter topic. */
    public static final List<String> CONSUMED = List.of(EXPERIMENTS_SUBMITTED, TRAIN_REQUESTS, TRAINING_PROGRESS,
            SNAPSHOTS_SAVED, SAMPLES_READY, SAMPLES_REQUESTS, METRIC_RESULTS, RUNS_FAILED, RUNS_CANCELLED,
            EXPERIMENTS_CANCEL_REQUESTS, EXPERIMENTS_COMPLETED);

    public static final List<String> ALL = Stream.concat(
            Stream.of(EXPERIMENTS_SUBMITTED, EXPERIMENTS_REJECTED, EXPERIMENTS_PROGRESS, EXPERIMENTS_COMPLETED,
                    SWEEPS_COMPLETED, TRAIN_REQUESTS, TRAINING_PROGRESS, SNAPSHOTS_SAVED, SAMPLES_READY, SAMPLES_REQUESTS, METRIC_RESULTS,
                    RUNS_FAILED, RUNS_CANCELLED, EXPERIMENTS_CANCEL_REQUESTS),
            CONSUMED.stream().map(Topics::deadLetter)).toList();

    private Topics() {
    }

    /** Where the consumers of {@code topic} put the records they cannot read. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }
}
