package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SongUNet's noise-level embedding, already in the order SongUNet uses after its sin/cos swap:
 * {@code [sin(c f), cos(c f)]}. Positional (DDPM++): f_i = (1/10000)^(i / (n/2 - 1)), endpoint
 * included. Fourier (NCSN++): f = 2 pi * N(0, 16^2) per frequency, a stored, untrained buffer.
 */
public final class NoiseEmbedding extends FixedShapeBlock {

    /** Embedding kinds. */
    public enum Kind { POSITIONAL, FOURIER }

    private final Kind kind;
    private final int channels;
    private final Parameter fourierFrequencies;

    public NoiseEmbedding(Kind kind, int channels) {
        if (channels % 2 != 0 || channels < 4) {
            throw new IllegalArgumentException("noise embedding needs an even channel count >= 4, got " + channels);
        }
        this.kind = kind;
        this.channels = channels;
        this.fourierFrequencies = kind == Kind.FOURIER
                ? buffer("freqs", new Shape(1, channels / 2), EdmInit.normal(16))
                : null;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** Embeds noise labels [N]; the input is not closed. */
    public NDArray apply(ParameterStore ps, NDArray noiseLabels, boolean training) {
        long n = noiseLabels.getShape().get(0);
        NDArray column = noiseLabels.reshape(n, 1);
        NDArray phase;
        if (kind == Kind.POSITIONAL) {
            phase = column.mul(positionalFrequencies(noiseLabels));
        } else {
            // EDM's order, c * (2 pi f), so that the float32 phases round as EDM's do.
            NDArray angular = Ops.scale(value(ps, fourierFrequencies, noiseLabels, training), 2 * Math.PI);
            phase = column.mul(angular);
            angular.close();
        }
        column.close();
        NDArray sin = phase.sin();
        NDArray cos = phase.cos();
        phase.close();
        NDArray emb = sin.concat(cos, 1);
        sin.close();
        cos.close();
        return emb;
    }

    private NDArray positionalFrequencies(NDArray like) {
        int half = channels / 2;
        return Ops.constant("posfreq" + channels, like.getDevice(), like.getDataType(), m -> {
            float[] f = new float[half];
            for (int i = 0; i < half; i++) {
                // EDM computes these in float32: arange / (half - 1), then (1 / 10000) ** that.
                float exponent = (float) i / (float) (half - 1);
                f[i] = (float) Math.pow(1.0f / 10000f, exponent);
            }
            return m.create(f, new Shape(1, half));
        });
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), channels)};
    }
}
