package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code training.emaMode}: the paper's four EMA rules ({@code train.py --ema_mode}); {@code
 * dev.emm.core.training.TrainingSchedule} says what each computes.
 */
public enum EmaMode {
    MODE1("mode1"),
    MODE2("mode2"),
    MODE3("mode3"),
    MODE4("mode4");

    private final String jsonName;

    EmaMode(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
