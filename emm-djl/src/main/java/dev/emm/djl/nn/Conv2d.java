package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EDM's convolution with optional FIR up- or downsampling: weight [out, in, k, k] (none when
 * {@code kernel == 0}: resampling only), bias [out], "same" padding. Unfused: resample, then
 * convolve. Fused down (NCSN++'s residual encoder path): convolve with the padding widened by the
 * filter's, then filter with stride 2, bias last.
 */
public final class Conv2d extends FixedShapeBlock {

    private final int outChannels;
    private final int kernel;
    private final boolean up;
    private final boolean down;
    private final boolean fusedResample;
    private final int[] resampleFilter;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(int inChannels, int outChannels, int kernel, boolean bias, boolean up, boolean down,
                  int[] resampleFilter, boolean fusedResample, InitSpec init) {
        if (up && down) {
            throw new IllegalArgumentException("a convolution resamples up or down, not both");
        }
        if (fusedResample && up && kernel > 0) {
            throw new UnsupportedOperationException("fused up-sampling convolution is not used by SongUNet");
        }
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.up = up;
        this.down = down;
        this.fusedResample = fusedResample;
        this.resampleFilter = resampleFilter.clone();
        int fanIn = inChannels * kernel * kernel;
        int fanOut = outChannels * kernel * kernel;
        this.weight = kernel > 0
                ? param("weight", new Shape(outChannels, inChannels, kernel, kernel), init.weight(fanIn, fanOut))
                : null;
        this.bias = kernel > 0 && bias ? param("bias", new Shape(outChannels), init.bias(fanIn, fanOut)) : null;
    }

    public Conv2d(int inChannels, int outChannels, int kernel, InitSpec init) {
        this(inChannels, outChannels, kernel, true, false, false, new int[] {1, 1}, false, init);
    }

    /** Whether the layer resamples (EDM then registers its filter as the buffer {@code resample_filter}). */
    public boolean resamples() {
        return up || down;
    }

    public int[] resampleFilter() {
        return resampleFilter.clone();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** The layer applied to {@code x}; x is not closed. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = weight == null ? null : value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        int wPad = kernel / 2;
        if (fusedResample && down && w != null) {
            int fPad = (resampleFilter.length - 1) / 2;
            NDArray conv = Convolutions.convolve(x, w, null, 1, wPad + fPad, 1);
            NDArray f = Resample.depthwiseFilter(conv, resampleFilter, outChannels, 1.0, false);
            NDArray y = Convolutions.convolve(conv, f, b, 2, 0, outChannels);
            conv.close();
            return y;
        }
        NDArray h = x;
        if (up) {
            h = Resample.up(x, resampleFilter);
        } else if (down) {
            h = Resample.down(x, resampleFilter);
        }
        if (w == null) {
            return h;
        }
        NDArray y = Convolutions.convolve(h, w, b, 1, wPad, 1);
        if (h != x) {
            h.close();
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long h = up ? s.get(2) * 2 : down ? s.get(2) / 2 : s.get(2);
        long w = up ? s.get(3) * 2 : down ? s.get(3) / 2 : s.get(3);
        return new Shape[] {new Shape(s.get(0), kernel > 0 ? outChannels : s.get(1), h, w)};
    }
}
