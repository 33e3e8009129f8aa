package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The self-attention tail of EDM's UNetBlock: {@code y = (proj(attend(qkv(norm2(x)))) + x) *
 * skipScale}, heads of {@code C / heads} channels, weights softmax(q^T k / sqrt(C/heads)) over keys.
 * The qkv channels are laid out as in EDM ([heads][C/heads][3]), so EDM weights would map 1:1.
 */
public final class Attention extends FixedShapeBlock {

    private final int channels;
    private final int heads;
    private final double skipScale;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;

    public Attention(int channels, int heads, double eps, double skipScale, InitSpec qkvInit, InitSpec projInit) {
        if (heads < 1 || channels % heads != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + heads + " heads");
        }
        this.channels = channels;
        this.heads = heads;
        this.skipScale = skipScale;
        this.norm = addChildBlock("norm2", new GroupNorm(channels, eps));
        this.qkv = addChildBlock("qkv", new Conv2d(channels, channels * 3, 1, qkvInit));
        this.proj = addChildBlock("proj", new Conv2d(channels, channels, 1, projInit));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** Attention with residual and scaling; x is not closed. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long perHead = channels / heads;
        long positions = shape.get(2) * shape.get(3);
        NDArray normed = norm.apply(ps, x, training);
        NDArray qkvOut = qkv.apply(ps, normed, training);
        normed.close();
        NDArray grouped = qkvOut.reshape(n * heads, perHead, 3, positions);
        qkvOut.close();
        NDList parts = grouped.split(3, 2);
        grouped.close();
        NDArray q = parts.get(0).reshape(n * heads, perHead, positions);
        NDArray k = parts.get(1).reshape(n * heads, perHead, positions);
        NDArray v = parts.get(2).reshape(n * heads, perHead, positions);
        parts.close();
        // w[n, q, k] = softmax_k(sum_c q[n, c, q] k[n, c, k] / sqrt(c))
        NDArray qt = q.transpose(0, 2, 1);
        q.close();
        NDArray kScaled = Ops.scale(k, 1.0 / Math.sqrt(perHead));
        k.close();
        NDArray logits = qt.matMul(kScaled);
        qt.close();
        kScaled.close();
        NDArray weights = logits.softmax(2);
        logits.close();
        // a[n, c, q] = sum_k w[n, q, k] v[n, c, k]
        NDArray wt = weights.transpose(0, 2, 1);
        weights.close();
        NDArray attended = v.matMul(wt);
        v.close();
        wt.close();
        NDArray a = attended.reshape(shape);
        attended.close();
        NDArray projected = proj.apply(ps, a, training);
        a.close();
        NDArray sum = projected.add(x);
        projected.close();
        return Ops.scaleConsume(sum, skipScale);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
