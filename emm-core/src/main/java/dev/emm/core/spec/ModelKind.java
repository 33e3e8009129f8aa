package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code model.kind}: the closed-form optimal denoiser over the training subset, or a network of
 * EDM's SongUNet family (DDPM++ or NCSN++).
 */
public enum ModelKind {
    OPTIMUM("optimum"),
    DDPMPP("ddpmpp"),
    NCSNPP("ncsnpp");

    private final String jsonName;

    ModelKind(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
