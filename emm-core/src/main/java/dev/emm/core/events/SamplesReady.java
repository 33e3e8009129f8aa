package dev.emm.core.events;

/**
 * Samples of one snapshot are stored as uint8 images ({@link Topics#SAMPLES_READY}): the metric
 * measures the first {@code sampleCount} of them (the stored set may hold more when a repeated event
 * arrives after sequential sampling drew further). {@code snapshotKey} names the snapshot the
 * samples came from, so the metric can ask for more of them. {@code sampling} is the time this
 * snapshot's sampling took so far (generating the samples, or finding them already stored);
 * {@code metric} the time the metric spent on its earlier steps (sequential sampling; null on a
 * snapshot's first step).
 */
public record SamplesReady(int schemaVersion, RunRef run, int snapshot, boolean last, String samplesKey,
        int sampleCount, StageTime sampling, String snapshotKey, StageTime metric) {

    public static final int VERSION = 1;

    public static SamplesReady of(RunRef run, int snapshot, boolean last, String samplesKey, int sampleCount,
            StageTime sampling, String snapshotKey, StageTime metric) {
        return new SamplesReady(VERSION, run, snapshot, last, samplesKey, sampleCount, sampling, snapshotKey, metric);
    }
}
