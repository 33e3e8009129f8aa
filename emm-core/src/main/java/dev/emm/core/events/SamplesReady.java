package dev.emm.core.events;

/**
 * Samples of one snapshot are stored as uint8 images ({@link Topics#SAMPLES_READY}); {@code sampling}
 * is the time this delivery took (generating them, or finding them already stored).
 */
public record SamplesReady(int schemaVersion, RunRef run, int snapshot, boolean last, String samplesKey,
        int sampleCount, StageTime sampling) {

    public static final int VERSION = 1;

    public static SamplesReady of(RunRef run, int snapshot, boolean last, String samplesKey, int sampleCount,
            StageTime sampling) {
        return new SamplesReady(VERSION, run, snapshot, last, samplesKey, sampleCount, sampling);
    }
}
