package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EDM's group normalisation: {@code min(32, C / 4)} groups, per-channel affine weight and bias [C].
 * Runs as libtorch's fused {@code group_norm} through {@link ScriptOps} (optionally with the SiLU
 * that follows it, and with the block's embedding shift before it); without the fused kernels, as
 * the engine's layer norm over [N, G, C/G*H*W] followed by the per-channel affine.
 */
public final class GroupNorm extends FixedShapeBlock {

    private final int channels;
    private final int groups;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(int channels, int numGroups, int minChannelsPerGroup, double eps) {
        this.channels = channels;
        this.groups = Math.max(1, Math.min(numGroups, channels / minChannelsPerGroup));
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.eps = eps;
        this.weight = param("weight", new Shape(channels), EdmInit.ones());
        this.bias = param("bias", new Shape(channels), EdmInit.zeros());
    }

    /** EDM's defaults: 32 groups, at least 4 channels a group. */
    public GroupNorm(int channels, double eps) {
        this(channels, 32, 4, eps);
    }

    public int groups() {
        return groups;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** Normalises x [N, C, H, W]; x is not closed. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        if (ScriptOps.enabled()) {
            return ScriptOps.groupNorm(x, w, b, groups, eps, training);
        }
        return composed(x, w, b);
    }

    /** silu(norm(x)); x is not closed. */
    public NDArray applySilu(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        if (ScriptOps.enabled()) {
            return ScriptOps.groupNormSilu(x, w, b, groups, eps, training);
        }
        return Ops.siluConsume(composed(x, w, b), training);
    }

    /** silu(norm(x + shift[:, :, 1, 1])) for shift [N, C]; neither input is closed. */
    public NDArray applyShiftSilu(ParameterStore ps, NDArray x, NDArray shift, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = value(ps, bias, x, training);
        if (ScriptOps.enabled()) {
            return ScriptOps.shiftGroupNormSilu(x, shift, w, b, groups, eps, training);
        }
        NDArray shift4 = shift.reshape(shift.getShape().get(0), channels, 1, 1);
        NDArray shifted = x.add(shift4);
        shift4.close();
        NDArray normed = composed(shifted, w, b);
        shifted.close();
        return Ops.siluConsume(normed, training);
    }

    /** The plain DJL composition: the engine's layer norm over [N, G, C/G*H*W], then the per-channel affine. */
    private NDArray composed(NDArray x, NDArray w, NDArray b) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        long m = grouped.getShape().get(2);
        NDArray one = Ops.ones(m, x.getDevice(), x.getDataType());
        NDArray zero = Ops.zeros(m, x.getDevice(), x.getDataType());
        NDArray normed = grouped.getNDArrayInternal().layerNorm(grouped, new Shape(m), one, zero, (float) eps).head();
        grouped.close();
        NDArray restored = normed.reshape(shape);
        normed.close();
        // The [C] parameters viewed as [C, 1, 1]; the views belong to the parameters' manager, so close them
        // (autograd keeps its own references).
        NDArray scaled;
        try (NDArray w3 = w.reshape(channels, 1, 1)) {
            scaled = restored.mul(w3);
        }
        restored.close();
        NDArray y;
        try (NDArray b3 = b.reshape(channels, 1, 1)) {
            y = scaled.add(b3);
        }
        scaled.close();
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
