package dev.emm.djl.nn;

import dev.emm.core.spec.ModelSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The arguments of EDM's {@code SongUNet} that EMM uses. {@code skipConnections} has one flag per
 * encoder output in encoder order (the input convolution, then each block and each downsampling
 * block), as in DiffMemorize; a disabled skip feeds zeros of the same shape to the decoder.
 */
public record UNetConfig(
        int resolution,
        int inChannels,
        int outChannels,
        int labelDim,
        int modelChannels,
        List<Integer> channelMult,
        int channelMultEmb,
        int numBlocks,
        List<Integer> attnResolutions,
        double dropout,
        NoiseEmbedding.Kind embedding,
        int channelMultNoise,
        boolean residualEncoder,
        int[] resampleFilter,
        boolean[] skipConnections) {

    public UNetConfig {
        channelMult = List.copyOf(channelMult);
        attnResolutions = List.copyOf(attnResolutions);
        resampleFilter = resampleFilter.clone();
        skipConnections = skipConnections.clone();
        int levels = channelMult.size();
        if (levels < 1) {
            throw new IllegalArgumentException("channelMult must not be empty");
        }
        if (resolution < 1 || resolution % (1 << (levels - 1)) != 0) {
            throw new IllegalArgumentException("resolution " + resolution + " is not divisible by 2^" + (levels - 1)
                    + " for " + levels + " levels");
        }
        if (skipConnections.length != ModelSpec.skipConnectionCount(levels, numBlocks)) {
            throw new IllegalArgumentException("skipConnections has " + skipConnections.length + " flags, the network has "
                    + ModelSpec.skipConnectionCount(levels, numBlocks) + " skips (levels * (numBlocks + 1))");
        }
    }


    public int embChannels() {
        return modelChannels * channelMultEmb;
    }

    public int noiseChannels() {
        return modelChannels * channelMultNoise;
    }

    public boolean skipEnabled(int index) {
        return skipConnections[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UNetConfig other && resolution == other.resolution && inChannels == other.inChannels
                && outChannels == other.outChannels && labelDim == other.labelDim
                && modelChannels == other.modelChannels && channelMult.equals(other.channelMult)
                && channelMultEmb == other.channelMultEmb && numBlocks == other.numBlocks
                && attnResolutions.equals(other.attnResolutions) && Double.compare(dropout, other.dropout) == 0
                && embedding == other.embedding && channelMultNoise == other.channelMultNoise
                && residualEncoder == other.residualEncoder && Arrays.equals(resampleFilter, other.resampleFilter)
                && Arrays.equals(skipConnections, other.skipConnections);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {resolution, inChannels, labelDim, modelChannels, channelMult, numBlocks,
                Arrays.hashCode(skipConnections)});
    }

    @Override
    public String toString() {
        return "UNetConfig[resolution=" + resolution + ", inChannels=" + inChannels + ", labelDim=" + labelDim
                + ", modelChannels=" + modelChannels + ", channelMult=" + channelMult + ", numBlocks=" + numBlocks
                + ", attnResolutions=" + attnResolutions + ", dropout=" + dropout + ", embedding=" + embedding
                + ", channelMultNoise=" + channelMultNoise + ", residualEncoder=" + residualEncoder
                + ", resampleFilter=" + Arrays.toString(resampleFilter) + ", skipConnections="
                + Arrays.toString(skipConnections) + "]";
    }
}
