package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * EDM's FIR resampling by a factor of two with a separable filter f (outer(f, f) / sum(f)^2),
 * applied per channel. Down: {@code conv2d(x, f, stride 2, padding (len-1)/2, groups C)}. Up:
 * {@code conv_transpose2d(x, 4 f, stride 2, padding (len-1)/2, groups C)}.
 *
 * <p>The DDPM++ filter [1, 1] is exactly 2x2 average pooling down and nearest-neighbour 2x up, and
 * runs as those fused engine ops. Other filters (NCSN++'s [1, 3, 3, 1]) run as a depthwise
 * convolution; the transposed one as zero insertion, asymmetric padding and a depthwise
 * convolution with the flipped filter (DJL's PyTorch engine has no transposed convolution).
 */
public final class Resample extends FixedShapeBlock {

    /** Direction of resampling. */
    public enum Direction { UP, DOWN }

    private final Direction direction;
    private final int[] filter;

    public Resample(Direction direction, int[] filter) {
        this.direction = direction;
        this.filter = filter.clone();
    }

    public static boolean isBox(int[] filter) {
        return filter.length == 2 && filter[0] == filter[1];
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        return new NDList(direction == Direction.UP ? up(x, filter) : down(x, filter));
    }

    /** Downsamples x [N, C, H, W] to [N, C, H/2, W/2]; x is not closed. */
    public static NDArray down(NDArray x, int[] filter) {
        if (isBox(filter)) {
            return x.getNDArrayInternal().avgPool(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
        }
        long channels = x.getShape().get(1);
        NDArray f = depthwiseFilter(x, filter, channels, 1.0, false);
        int pad = (filter.length - 1) / 2;
        return Convolutions.convolve(x, f, null, 2, pad, (int) channels);
    }

    /** Upsamples x [N, C, H, W] to [N, C, 2H, 2W]; x is not closed. */
    public static NDArray up(NDArray x, int[] filter) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        if (isBox(filter)) {
            return x.getNDArrayInternal().interpolation(new long[] {2 * h, 2 * w}, 0, false);
        }
        int k = filter.length;
        int pad = (k - 1) / 2;
        int before = k - 1 - pad;
        int after = pad;
        NDArray stuffed;
        try (NDArray six = x.reshape(n, c, h, 1, w, 1);
             NDArray padded = six.pad(new Shape(0, 1, 0, 0, 0, 1), 0)) {
            stuffed = padded.reshape(n, c, 2 * h, 2 * w);
        }
        NDArray framed = stuffed.pad(new Shape(before, after, before, after), 0);
        stuffed.close();
        NDArray f = depthwiseFilter(x, filter, c, 4.0, true);
        NDArray y = Convolutions.convolve(framed, f, null, 1, 0, (int) c);
        framed.close();
        return y;
    }

    /** The [C, 1, k, k] depthwise filter gain * outer(f, f) / sum(f)^2, flipped if asked. */
    static NDArray depthwiseFilter(NDArray like, int[] filter, long channels, double gain, boolean flip) {
        int k = filter.length;
        String key = "fir" + Arrays.toString(filter) + 'x' + channels + 'g' + gain + (flip ? "f" : "");
        return Ops.constant(key, like.getDevice(), like.getDataType(), m -> {
            double sum = Arrays.stream(filter).sum();
            double[] values = new double[(int) channels * k * k];
            for (int ch = 0; ch < channels; ch++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        int fi = flip ? k - 1 - i : i;
                        int fj = flip ? k - 1 - j : j;
                        values[(ch * k + i) * k + j] = gain * filter[fi] * filter[fj] / (sum * sum);
                    }
                }
            }
            return m.create(values, new Shape(channels, 1, k, k));
        });
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long factorH = direction == Direction.UP ? s.get(2) * 2 : s.get(2) / 2;
        long factorW = direction == Direction.UP ? s.get(3) * 2 : s.get(3) / 2;
        return new Shape[] {new Shape(s.get(0), s.get(1), factorH, factorW)};
    }

}
