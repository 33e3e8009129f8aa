package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code data.resampling}: how images are brought down to {@code data.resolution}. */
public enum ResamplingMethod {
    /** Pillow's LANCZOS resize, as the paper's {@code dataset_tool.py}. */
    LANCZOS("lanczos"),
    /** Block averaging: each output pixel the rounded mean of a k x k block. */
    AREA("area");

    private final String jsonName;

    ResamplingMethod(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
