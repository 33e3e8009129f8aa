package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How class labels for conditioning are formed from the training subset. */
public enum LabelMode {
    /** Unconditional model. */
    NONE,
    /** The dataset's own labels. */
    TRUE,
    /** Each image gets a label drawn uniformly from C classes with a fixed seed. */
    RANDOM,
    /** Every image is its own class, so the label dimension equals |D|. */
    UNIQUE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LabelMode fromWire(String value) {
        return Arrays.stream(values())
                .filter(mode -> mode.wireName().equals(value.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown label mode '" + value + "', expected one of none, true, random, unique"));
    }

    public boolean conditional() {
        return this != NONE;
    }
}
