package dev.emm.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The model configuration M, a {@link ModelKind}. Network fields are ignored by the optimum; a null
 * field takes the paper's DDPM++ default.
 */
public record ModelSpec(
        ModelKind kind,
        Integer modelChannels,
        List<Integer> channelMult,
        Integer numBlocks,
        List<Integer> attnResolutions,
        Double dropout,
        EmbeddingType embeddingType,
        List<Boolean> skipConnections) {

    /** A spec that sets nothing: every field takes its default. */
    static ModelSpec unset() {
        return new ModelSpec(null, null, null, null, null, null, null, null);
    }

    /**
     * Every null field at its default. Attention defaults to the network's second level,
     * {@code imageResolution / 2}, as the paper's run instructions set {@code --attn-resolutions}
     * (16 for 32x32 images, 8 for 16x16, 4 for 8x8: the same architecture at every resolution);
     * a network of one level has no second level and gets none.
     */
    ModelSpec withDefaults(int imageResolution) {
        ModelKind resolvedKind = kind == null ? ModelKind.DDPMPP : kind;
        List<Integer> resolvedMult = channelMult == null ? List.of(2, 2, 2) : List.copyOf(channelMult);
        int resolvedBlocks = numBlocks == null ? 2 : numBlocks;
        return new ModelSpec(
                resolvedKind,
                modelChannels == null ? 128 : modelChannels,
                resolvedMult,
                resolvedBlocks,
                attnResolutions == null ? (resolvedMult.size() > 1 ? List.of(imageResolution / 2) : List.of())
                        : Collections.unmodifiableList(new ArrayList<>(attnResolutions)),
                dropout == null ? 0.13 : dropout,
                embeddingType == null
                        ? (resolvedKind == ModelKind.NCSNPP ? EmbeddingType.FOURIER : EmbeddingType.POSITIONAL)
                        : embeddingType,
                skipConnections == null
                        ? Collections.nCopies(Math.max(0, skipConnectionCount(resolvedMult.size(), resolvedBlocks)), Boolean.TRUE)
                        : List.copyOf(skipConnections));
    }

    /**
     * The number of encoder outputs that feed the decoder, one flag each in {@code skipConnections}:
     * every level stores its input block (the first conv, or the downsampling block) and each of its
     * blocks, so levels x (numBlocks + 1); the paper's 3 levels of 2 blocks give 9.
     */
    public static int skipConnectionCount(int levels, int numBlocks) {
        return levels * (numBlocks + 1);
    }

    public boolean isOptimum() {
        return kind == ModelKind.OPTIMUM;
    }
}
