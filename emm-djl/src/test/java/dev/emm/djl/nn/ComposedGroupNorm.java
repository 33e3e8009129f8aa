package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation and SiLU composed from plain DJL ops (the engine's layer norm over
 * [N, G, C/G*H*W], then the per-channel affine; x * sigmoid(x)): the oracle the fused TorchScript
 * kernels of {@link GroupNorm} and {@link ScriptOps} are checked against. Arrays live in the
 * manager of {@code x}.
 */
final class ComposedGroupNorm {

    private ComposedGroupNorm() {
    }

    /** group_norm(x, groups, w, b, eps) for x [N, C, H, W] and w, b [C]. */
    static NDArray norm(NDArray x, NDArray w, NDArray b, int groups, double eps) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        long m = grouped.getShape().get(2);
        NDArray one = x.getManager().ones(new Shape(m), x.getDataType());
        NDArray zero = x.getManager().zeros(new Shape(m), x.getDataType());
        NDArray normed = grouped.getNDArrayInternal().layerNorm(grouped, new Shape(m), one, zero, (float) eps).head();
        long channels = shape.get(1);
        return normed.reshape(shape).mul(w.reshape(channels, 1, 1)).add(b.reshape(channels, 1, 1));
    }

    /** silu(group_norm(x + shift[:, :, None, None])) for shift [N, C]. */
    static NDArray shiftNormSilu(NDArray x, NDArray shift, NDArray w, NDArray b, int groups, double eps) {
        Shape s = shift.getShape();
        return silu(norm(x.add(shift.reshape(s.get(0), s.get(1), 1, 1)), w, b, groups, eps));
    }

    static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }
}
