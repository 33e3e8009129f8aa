package dev.emm.djl;

import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import java.util.List;

/**
 * The JSON header of a model snapshot: everything a sampler needs to rebuild the denoiser.
 *
 * @param format always {@value ModelSnapshot#FORMAT}
 * @param model the complete model spec (defaults applied)
 * @param preconditioning the preconditioning the network was trained under
 * @param imageChannels image channels C
 * @param resolution image height and width
 * @param labelDim 0 for an unconditional network, else the number of classes
 * @param weights "ema" when the tensors are the exponential moving average of the weights (as EDM's
 *     snapshots), "raw" when EMA is off and they are the trained weights themselves
 * @param emaHalfLifeImages the run's EMA half-life, if any
 * @param emaDecay the run's per-step EMA decay, if any
 * @param index snapshot index within the run (1, 2, ...; 0, the untrained network, is never written)
 * @param step optimizer steps taken when the snapshot was made
 * @param images training images seen when the snapshot was made
 * @param tensors names and shapes of the float32 tensors that follow, in order
 */
public record SnapshotHeader(
        String format,
        ModelSpec model,
        PreconditioningType preconditioning,
        int imageChannels,
        int resolution,
        int labelDim,
        String weights,
        Double emaHalfLifeImages,
        Double emaDecay,
        int index,
        long step,
        long images,
        List<TensorRecord> tensors) {
}
