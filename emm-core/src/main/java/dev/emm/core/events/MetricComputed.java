package dev.emm.core.events;

import dev.emm.core.metric.MemorizationSummary;

/**
 * The memorization ratio of one snapshot ({@link Topics#METRIC_RESULTS}), with the time its
 * sampling took (passed on from {@link SamplesReady}) and the time the metric took; either is
 * null when its producer did not record it.
 */
public record MetricComputed(int schemaVersion, RunRef run, int snapshot, boolean last,
        MemorizationSummary summary, String distancesKey, StageTime sampling, StageTime metric) {

    public static final int VERSION = 1;

    public static MetricComputed of(RunRef run, int snapshot, boolean last, MemorizationSummary summary,
            String distancesKey, StageTime sampling, StageTime metric) {
        return new MetricComputed(VERSION, run, snapshot, last, summary, distancesKey, sampling, metric);
    }
}
