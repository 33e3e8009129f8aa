package dev.emm.trainer;

/** How a train request ended; the tag of {@code emm_training_runs_total{outcome}}. */
public enum RunOutcome {
    TRAINED("trained"),
    ALREADY_STORED("already-stored"),
    /** The orchestrator cancelled the run: skipped before it started, or stopped with a checkpoint kept. */
    CANCELLED("cancelled");

    private final String tag;

    RunOutcome(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
