package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** EDM's fully connected layer: weight [out, in], optional bias [out]; y = x W^T + b. */
public final class Linear extends FixedShapeBlock {

    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, InitSpec init) {
        this.outFeatures = outFeatures;
        this.weight = param("weight", new Shape(outFeatures, inFeatures),
                init.weight(inFeatures, outFeatures));
        this.bias = bias ? param("bias", new Shape(outFeatures), init.bias(inFeatures, outFeatures)) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.head(), training));
    }

    /** The layer applied to {@code x} [N, in]; x is not closed. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        return x.getNDArrayInternal().linear(x, w, b).head();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outFeatures)};
    }
}
