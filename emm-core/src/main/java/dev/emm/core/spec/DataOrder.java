package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code training.dataOrder}: the order a run visits its images in. */
public enum DataOrder {
    /** One permutation from the seed, repeated every epoch: the paper's loader with window size 0. */
    FIXED("fixed"),
    /** A new permutation every epoch. */
    RESHUFFLE("reshuffle");

    private final String jsonName;

    DataOrder(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
