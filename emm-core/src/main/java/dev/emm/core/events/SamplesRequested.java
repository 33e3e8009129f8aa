package dev.emm.core.events;

/**
 * Sequential sampling asks for more samples of one snapshot ({@link Topics#SAMPLES_REQUESTS}): the
 * snapshot's stored samples are to be extended to {@code sampleCount} in all (seeds firstSeed ..
 * firstSeed + sampleCount - 1), the first ones kept as they are. {@code sampling} and {@code metric}
 * are the times the snapshot's sampling and metric took so far, carried on so the snapshot's
 * {@link MetricComputed} reports the time of all its steps.
 */
public record SamplesRequested(int schemaVersion, RunRef run, int snapshot, boolean last, String snapshotKey,
        int sampleCount, StageTime sampling, StageTime metric) {

    public static final int VERSION = 1;

    public static SamplesRequested of(RunRef run, int snapshot, boolean last, String snapshotKey, int sampleCount,
            StageTime sampling, StageTime metric) {
        return new SamplesRequested(VERSION, run, snapshot, last, snapshotKey, sampleCount, sampling, metric);
    }
}
