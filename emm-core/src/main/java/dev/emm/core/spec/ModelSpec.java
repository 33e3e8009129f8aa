package dev.emm.core.spec;

import java.util.List;

/**
 * The model configuration M. {@code kind} is {@code optimum} (the closed-form optimal denoiser over
 * the training subset), {@code ddpmpp} or {@code ncsnpp} (EDM's SongUNet family). Network fields
 * are ignored by {@code optimum}; a null field takes the paper's DDPM++ default.
 */
public record ModelSpec(
        String kind,
        Integer modelChannels,
        List<Integer> channelMult,
        Integer numBlocks,
        List<Integer> attnResolutions,
        Double dropout,
        String embeddingType,
        List<Boolean> skipConnections) {

    public static final String OPTIMUM = "optimum";
    public static final String DDPMPP = "ddpmpp";
    public static final String NCSNPP = "ncsnpp";
    public static final int SKIP_CONNECTIONS = 9;

    ModelSpec withDefaults() {
        String resolvedKind = kind == null ? DDPMPP : kind;
        return new ModelSpec(
                resolvedKind,
                modelChannels == null ? 128 : modelChannels,
                channelMult == null ? List.of(2, 2, 2) : List.copyOf(channelMult),
                numBlocks == null ? 2 : numBlocks,
                attnResolutions == null ? List.of(16) : List.copyOf(attnResolutions),
                dropout == null ? 0.13 : dropout,
                embeddingType == null ? (NCSNPP.equals(resolvedKind) ? "fourier" : "positional") : embeddingType,
                skipConnections == null ? allSkipsOn() : List.copyOf(skipConnections));
    }

    private static List<Boolean> allSkipsOn() {
        return java.util.Collections.nCopies(SKIP_CONNECTIONS, Boolean.TRUE);
    }

    public boolean isOptimum() {
        return OPTIMUM.equals(kind);
    }
}
