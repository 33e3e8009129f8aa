package dev.emm.core.events;

import dev.emm.core.spec.ExperimentSpec;

/**
 * Everything a worker needs to act on one training run: the experiment's complete spec and the
 * training-set size. Events carry it whole so every service is stateless and every handler
 * idempotent.
 */
public record RunRef(String experimentId, String runId, int size, ExperimentSpec spec) {

    /** Run ids are derived from (experiment, size, seed), so a repeated request names the same run. */
    public static String runId(String experimentId, int size, long seed) {
        return experimentId + "-n" + size + "-s" + seed;
    }

    public static RunRef of(String experimentId, int size, ExperimentSpec spec) {
        return new RunRef(experimentId, runId(experimentId, size, spec.training().seed()), size, spec);
    }
}
