package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;

/**
 * A DJL block whose parameters' shapes are all fixed at construction (as in EDM, where constructor
 * arguments determine all shapes), so initialisation needs no shape inference: the base of EMM's
 * network blocks, with helpers to declare trained parameters and untrained buffers.
 *
 * <p>Memory discipline: a block never closes its inputs (the caller owns them) but closes every
 * activation-sized intermediate it creates as soon as it has been consumed; autograd keeps what
 * backward needs on the native side. Arrays created by a block belong to the manager of its first
 * input, so a per-step sub-manager collects everything a training step leaves behind (SongUNet
 * leaves its small [N, emb] embedding arrays to it).
 */
public abstract class FixedShapeBlock extends AbstractBlock {

    protected FixedShapeBlock() {
        super((byte) 1);
    }

    protected final Parameter param(String name, Shape shape, Initializer initializer) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .optInitializer(initializer)
                .build());
    }

    /** A parameter that is saved with the weights but never trained (EDM's registered buffers). */
    protected final Parameter buffer(String name, Shape shape, Initializer initializer) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(shape)
                .optInitializer(initializer)
                .optRequiresGrad(false)
                .build());
    }

    protected static NDArray value(ParameterStore store, Parameter parameter, NDArray like, boolean training) {
        return store.getValue(parameter, like.getDevice(), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Pair<String, Block> child : getChildren()) {
            child.getValue().initialize(manager, dataType, inputShapes);
        }
    }

    /** The number of trainable scalars in this block and its children. */
    public long trainableParameterCount() {
        long count = 0;
        for (Pair<String, Parameter> p : getParameters()) {
            if (p.getValue().requiresGradient()) {
                count += p.getValue().getShape().size();
            }
        }
        return count;
    }
}
