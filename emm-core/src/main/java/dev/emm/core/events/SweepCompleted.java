package dev.emm.core.events;

import dev.emm.core.sweep.SweepResult;

/** A sweep's answer once every member experiment has ended ({@link Topics#SWEEPS_COMPLETED}). */
public record SweepCompleted(int schemaVersion, SweepResult result) {

    public static final int VERSION = 1;

    public static SweepCompleted of(SweepResult result) {
        return new SweepCompleted(VERSION, result);
    }
}
