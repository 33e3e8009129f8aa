package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SongUNet's {@code map_label}: {@code Linear(labelDim -> out)(onehot(label) * sqrt(labelDim))}, computed
 * as a row lookup (the same function and gradient, without a [N, labelDim] one-hot, which matters for
 * unique labels where labelDim = |D|). The weight is stored [labelDim, out], the transpose of EDM's
 * [out, labelDim]; initialisation uses the same fans. A null label array means "no label": EDM feeds
 * a zero vector then, which leaves only the bias.
 */
public final class LabelEmbedding extends FixedShapeBlock {

    private final int labelDim;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public LabelEmbedding(int labelDim, int outFeatures) {
        this.labelDim = labelDim;
        this.outFeatures = outFeatures;
        this.weight = param("weight", new Shape(labelDim, outFeatures), InitSpec.XAVIER.weight(labelDim, outFeatures));
        this.bias = param("bias", new Shape(outFeatures), InitSpec.XAVIER.bias(labelDim, outFeatures));
    }

    public int labelDim() {
        return labelDim;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** Embeds int64 labels [N]; the input is not closed. */
    public NDArray apply(ParameterStore ps, NDArray labels, boolean training) {
        NDArray w = value(ps, weight, labels, training);
        NDArray b = value(ps, bias, labels, training);
        NDArray rows = labels.getNDArrayInternal().embedding(labels, w, SparseFormat.DENSE).head();
        NDArray scaled = Ops.scale(rows, Math.sqrt(labelDim));
        rows.close();
        NDArray y = scaled.add(b);
        scaled.close();
        return y;
    }

    /** The embedding of "no label" (EDM's zero label vector): the bias, broadcast to [N, out] like {@code like}. */
    public NDArray biasOnly(ParameterStore ps, NDArray like, boolean training) {
        NDArray b = value(ps, bias, like, training);
        try (NDArray zeros = like.getManager().zeros(new Shape(like.getShape().get(0), outFeatures), like.getDataType(),
                like.getDevice())) {
            return zeros.add(b);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outFeatures)};
    }
}
