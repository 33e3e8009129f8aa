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
 * that follows it, and with the block's embedding shift before it).
 */
public final class GroupNorm extends FixedShapeBlock {

    private final int groups;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(int channels, int numGroups, int minChannelsPerGroup, double eps) {
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
        return ScriptOps.groupNorm(x, value(ps, weight, x, training), value(ps, bias, x, training), groups, eps,
                training);
    }

    /** silu(norm(x)); x is not closed. */
    public NDArray applySilu(ParameterStore ps, NDArray x, boolean training) {
        return ScriptOps.groupNormSilu(x, value(ps, weight, x, training), value(ps, bias, x, training), groups, eps,
                training);
    }

    /** silu(norm(x + shift[:, :, 1, 1])) for shift [N, C]; neither input is closed. */
    public NDArray applyShiftSilu(ParameterStore ps, NDArray x, NDArray shift, boolean training) {
        return ScriptOps.shiftGroupNormSilu(x, shift, value(ps, weight, x, training), value(ps, bias, x, training),
                groups, eps, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
