package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code model.embeddingType}: how the network embeds the noise level (EDM's {@code embedding_type}). */
public enum EmbeddingType {
    /** Sinusoidal positional embedding, DDPM++'s. */
    POSITIONAL("positional"),
    /** Random Fourier features, NCSN++'s. */
    FOURIER("fourier");

    private final String jsonName;

    EmbeddingType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}
