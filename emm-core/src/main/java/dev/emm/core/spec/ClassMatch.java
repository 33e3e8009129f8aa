package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code data.mix.classMatch}: which class of the mix's second dataset stands in for a class of the first. */
public enum ClassMatch {
    /** Class c of the second dataset for class c of the first. */
    INDEX("index"),
    /** The second dataset's class of the same name, or of the name {@code classMap} gives. */
    NAME("name");

    private final String jsonName;

    ClassMatch(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
