package dev.emm.core.events;

/**
 * A run could not be carried through a stage ({@link Topics#RUNS_FAILED}); the orchestrator
 * fails the experiment with {@code reason} rather than waiting for a result that cannot come.
 */
public record RunFailed(int schemaVersion, RunRef run, String stage, String reason) {

    public static final int VERSION = 1;

    public static RunFailed of(RunRef run, String stage, String reason) {
        return new RunFailed(VERSION, run, stage, reason);
    }
}
