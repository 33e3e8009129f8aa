package dev.emm.core.events;

import dev.emm.core.metric.MemorizationSummary;

/** The memorization ratio of one snapshot ({@link Topics#METRIC_RESULTS}). */
public record MetricComputed(int schemaVersion, RunRef run, int snapshot, boolean last,
        MemorizationSummary summary, String distancesKey) {

    public static final int VERSION = 1;

    public static MetricComputed of(RunRef run, int snapshot, boolean last, MemorizationSummary summary,
            String distancesKey) {
        return new MetricComputed(VERSION, run, snapshot, last, summary, distancesKey);
    }
}
