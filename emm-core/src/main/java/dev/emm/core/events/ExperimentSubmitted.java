package dev.emm.core.events;

import dev.emm.core.spec.ExperimentSpec;

/** A user asks for an experiment (topic {@link Topics#EXPERIMENTS_SUBMITTED}). */
public record ExperimentSubmitted(int schemaVersion, String experimentId, ExperimentSpec spec) {

    public static final int VERSION = 1;

    public static ExperimentSubmitted of(String experimentId, ExperimentSpec spec) {
        return new ExperimentSubmitted(VERSION, experimentId, spec);
    }
}
