package dev.emm.djl;

import dev.emm.core.spec.ModelSpec;
import dev.emm.djl.nn.NoiseEmbedding;
import dev.emm.djl.nn.SongUNet;
import dev.emm.djl.nn.UNetConfig;
import java.util.Arrays;
import java.util.List;

/**
 * Maps a model spec M to EDM's SongUNet arguments, as DiffMemorize's train.py does:
 * {@code ddpmpp}: standard encoder, resample filter [1, 1], noise embedding width 1 x channels;
 * {@code ncsnpp}: residual encoder, filter [1, 3, 3, 1], noise embedding width 2 x channels.
 * The time embedding (positional or Fourier) is the spec's own field, so either family can take
 * either embedding. Embedding width multiplier 4, as in EDM.
 */
public final class Networks {

    private Networks() {
    }

    /**
     * The network configuration for images of {@code channels} x {@code resolution}^2.
     *
     * @param model a complete model spec (defaults applied); kind ddpmpp or ncsnpp
     * @param labelDim 0 for an unconditional network, else the number of classes
     */
    public static UNetConfig config(ModelSpec model, int channels, int resolution, int labelDim) {
        boolean ncsn = switch (model.kind()) {
            case DDPMPP -> false;
            case NCSNPP -> true;
            case OPTIMUM -> throw new IllegalArgumentException("model kind 'optimum' is not a network (ddpmpp or ncsnpp)");
        };
        NoiseEmbedding.Kind embedding = switch (model.embeddingType()) {
            case POSITIONAL -> NoiseEmbedding.Kind.POSITIONAL;
            case FOURIER -> NoiseEmbedding.Kind.FOURIER;
        };
        List<Integer> mult = model.channelMult();
        return new UNetConfig(resolution, channels, channels, labelDim, model.modelChannels(), mult, 4,
                model.numBlocks(), model.attnResolutions(), model.dropout(), embedding, ncsn ? 2 : 1, ncsn,
                ncsn ? new int[] {1, 3, 3, 1} : new int[] {1, 1},
                skipFlags(model.skipConnections(), ModelSpec.skipConnectionCount(mult.size(), model.numBlocks())));
    }

    public static SongUNet build(ModelSpec model, int channels, int resolution, int labelDim) {
        return new SongUNet(config(model, channels, resolution, labelDim));
    }

    /** The spec's skip flags; the validator has checked there is one per skip of this network. */
    static boolean[] skipFlags(List<Boolean> flags, int count) {
        boolean[] result = new boolean[count];
        if (flags == null) {
            Arrays.fill(result, true);
            return result;
        }
        if (flags.size() != count) {
            throw new IllegalArgumentException("model.skipConnections has " + flags.size() + " flags but this network has "
                    + count + " skip connections (levels x (numBlocks + 1))");
        }
        for (int i = 0; i < count; i++) {
            result[i] = flags.get(i);
        }
        return result;
    }
}
