package dev.emm.core.sweep;

import com.fasterxml.jackson.annotation.JsonValue;

/** A sweep is running until every member experiment has ended (with an answer, failed or cancelled). */
public enum SweepStatus {
    RUNNING("running"),
    FINISHED("finished");

    private final String jsonName;

    SweepStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
