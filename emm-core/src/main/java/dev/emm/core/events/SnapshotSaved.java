package dev.emm.core.events;

/**
 * A run stored snapshot {@code snapshot} (numbered from 1; the untrained snapshot 0 is never
 * evaluated). {@code last} marks the run's final snapshot, so consumers learn the snapshot count.
 */
public record SnapshotSaved(int schemaVersion, RunRef run, int snapshot, boolean last, String snapshotKey) {

    public static final int VERSION = 1;

    public static SnapshotSaved of(RunRef run, int snapshot, boolean last, String snapshotKey) {
        return new SnapshotSaved(VERSION, run, snapshot, last, snapshotKey);
    }
}
