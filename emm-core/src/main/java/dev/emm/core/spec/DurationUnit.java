package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code training.duration}'s unit: epochs of the run's |D| (as the paper counts), training images, or
 * optimizer steps.
 */
public enum DurationUnit {
    EPOCHS("epochs"),
    IMAGES("images"),
    STEPS("steps");

    private final String jsonName;

    DurationUnit(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
