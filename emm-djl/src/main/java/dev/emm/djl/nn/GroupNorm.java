package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EDM's group normalisation: {@code min(32, C / 4)} groups, per-channel affine. Runs on the
 * engine's fused layer norm over [N, G, C/G*H*W] (identity affine, constants cached), then one
 * multiply and one add with the per-channel weight and bias, stored as [C, 1, 1] so that they
 * broadcast over [N, C, H, W] without a reshape per step.
 */
public final class GroupNorm extends EmmBlock {

    private final int channels;
    private final int groups;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(int channels, int numGroups, int minChannelsPerGroup, double eps) {
        this.channels = channels;
        this.groups = Math.max(1, Math.min(numGroups, channels / minChannelsPerGroup));
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.eps = (float) eps;
        this.weight = param("weight", new Shape(channels, 1, 1), EdmInit.ones());
        this.bias = param("bias", new Shape(channels, 1, 1), EdmInit.zeros());
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
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        long m = grouped.getShape().get(2);
        NDArray one = Ops.ones(m, x.getDevice(), x.getDataType());
        NDArray zero = Ops.zeros(m, x.getDevice(), x.getDataType());
        NDArray normed = grouped.getNDArrayInternal().layerNorm(grouped, new Shape(m), one, zero, eps).head();
        grouped.close();
        NDArray restored = normed.reshape(shape);
        normed.close();
        NDArray scaled = restored.mul(value(ps, weight, x, training));
        restored.close();
        NDArray y = scaled.add(value(ps, bias, x, training));
        scaled.close();
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
