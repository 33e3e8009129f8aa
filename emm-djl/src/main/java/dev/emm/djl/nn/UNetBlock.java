package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * EDM's UNetBlock as SongUNet configures it (adaptive_scale off, resample_proj on, one attention
 * head, skip scale sqrt(1/2)):
 *
 * <pre>
 * h = conv0(silu(norm0(x)))                   conv0 resamples when up or down
 * h = silu(norm1(h + affine(emb)[:, :, 1, 1]))
 * h = conv1(dropout(h))
 * y = (h + skip(x)) * skipScale               skip = 1x1 conv (with resampling) when shape changes
 * y = attention(y)                            when enabled
 * </pre>
 */
public final class UNetBlock extends FixedShapeBlock {

    private final double dropout;
    private final double skipScale;
    private final GroupNorm norm0;
    private final Conv2d conv0;
    private final Linear affine;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Conv2d skip;
    private final Attention attention;

    public UNetBlock(int inChannels, int outChannels, int embChannels, boolean up, boolean down, boolean attention,
                     double dropout, double skipScale, double eps, int[] resampleFilter) {
        this.dropout = dropout;
        this.skipScale = skipScale;
        this.norm0 = addChildBlock("norm0", new GroupNorm(inChannels, eps));
        this.conv0 = addChildBlock("conv0",
                new Conv2d(inChannels, outChannels, 3, true, up, down, resampleFilter, false, InitSpec.XAVIER));
        this.affine = addChildBlock("affine", new Linear(embChannels, outChannels, true, InitSpec.XAVIER));
        this.norm1 = addChildBlock("norm1", new GroupNorm(outChannels, eps));
        this.conv1 = addChildBlock("conv1", new Conv2d(outChannels, outChannels, 3, InitSpec.NEAR_ZERO));
        this.skip = (outChannels != inChannels || up || down)
                ? addChildBlock("skip",
                        new Conv2d(inChannels, outChannels, 1, true, up, down, resampleFilter, false, InitSpec.XAVIER))
                : null;
        this.attention = attention
                ? addChildBlock("attn", new Attention(outChannels, 1, eps, skipScale, InitSpec.ATTENTION,
                        InitSpec.NEAR_ZERO))
                : null;
    }

    /** Inputs: x [N, in, H, W], emb [N, embChannels]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

    /** The block applied to x with embedding emb; neither is closed. */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray emb, boolean training) {
        NDArray h = norm0.applySilu(ps, x, training);
        NDArray c0 = conv0.apply(ps, h, training);
        h.close();
        NDArray p = affine.apply(ps, emb, training);
        h = norm1.applyShiftSilu(ps, c0, p, training);
        c0.close();
        p.close();
        if (training && dropout > 0) {
            NDArray dropped = Dropout.dropout(h, (float) dropout, true).head();
            h.close();
            h = dropped;
        }
        NDArray c1 = conv1.apply(ps, h, training);
        h.close();
        NDArray residual = skip == null ? x : skip.apply(ps, x, training);
        NDArray sum = c1.add(residual);
        c1.close();
        if (residual != x) {
            residual.close();
        }
        NDArray y = Ops.scaleConsume(sum, skipScale);
        if (attention != null) {
            NDArray attended = attention.apply(ps, y, training);
            y.close();
            y = attended;
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv0.getOutputShapes(new Shape[] {inputShapes[0]});
    }
}
