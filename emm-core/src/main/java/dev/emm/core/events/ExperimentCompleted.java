package dev.emm.core.events;

import dev.emm.core.search.EmmResult;

/** The final answer of an experiment ({@link Topics#EXPERIMENTS_COMPLETED}). */
public record ExperimentCompleted(int schemaVersion, EmmResult result) {

    public static final int VERSION = 1;

    public static ExperimentCompleted of(EmmResult result) {
        return new ExperimentCompleted(VERSION, result);
    }
}
