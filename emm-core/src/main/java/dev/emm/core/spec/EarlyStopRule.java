package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code search.earlyStop}: when a run that memorizes is stopped before its duration. */
public enum EarlyStopRule {
    /** At the first snapshot whose ratio reaches 1 - eps. */
    RATIO("ratio"),
    /** At the first snapshot whose Wilson lower bound reaches 1 - eps. */
    CI_LOW("ciLow"),
    /** Never: every run trains to its end. */
    OFF("off");

    private final String jsonName;

    EarlyStopRule(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
