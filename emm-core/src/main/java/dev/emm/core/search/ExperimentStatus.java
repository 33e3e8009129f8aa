package dev.emm.core.search;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Where an experiment stands, as {@code GET /experiments/{id}}, the progress and completed events and
 * the last line of {@code emm run} name it: running, one of the three {@link SearchOutcome}s of a
 * finished search, or failed or cancelled.
 */
public enum ExperimentStatus {
    RUNNING("running"),
    BRACKETED("bracketed"),
    ABOVE_MAX("above_max"),
    BELOW_MIN("below_min"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String jsonName;

    ExperimentStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    public static ExperimentStatus of(SearchOutcome outcome) {
        return switch (outcome) {
            case BRACKETED -> BRACKETED;
            case ABOVE_MAX -> ABOVE_MAX;
            case BELOW_MIN -> BELOW_MIN;
        };
    }

    /** The status a JSON document names, for clients that read it as text (the CLI's REST views). */
    public static ExperimentStatus fromJsonName(String name) {
        return Arrays.stream(values()).filter(status -> status.jsonName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown experiment status '" + name + "'"));
    }

    /** True once the experiment will change no more. */
    public boolean finished() {
        return this != RUNNING;
    }

    /** True for an experiment that ended without an answer. */
    public boolean unanswered() {
        return this == FAILED || this == CANCELLED;
    }

    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
