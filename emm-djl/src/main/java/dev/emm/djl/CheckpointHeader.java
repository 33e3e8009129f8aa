package dev.emm.djl;

import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.TrainingSpec;
import java.util.List;

/**
 * The JSON header of a training checkpoint. The random state is {@code (seed, step)}: every step
 * reseeds the engine's generator from them (noise levels, noise, dropout) and the data order is a
 * function of the seed and the image position, so nothing else needs saving.
 *
 * @param format always {@value TrainingRun#CHECKPOINT_FORMAT}
 * @param model complete model spec
 * @param training complete training spec
 * @param imageChannels image channels
 * @param resolution image height and width
 * @param labelDim 0 or the number of classes
 * @param datasetSize |D|
 * @param datasetCrc CRC-32 over the training pixels and labels, to refuse resuming on other data
 * @param seed the run's seed (the random state together with {@code step})
 * @param step optimizer steps completed
 * @param images training images consumed (the position in the data order)
 * @param snapshotsEmitted snapshots already handed to the listener
 * @param nextSnapshotImages image count at which the next periodic snapshot is due
 * @param nextCheckpointImages image count at which the next checkpoint is due
 * @param ema whether an EMA section follows the Adam moments
 * @param parameters all network tensors (trainable and buffers), in order: section 1
 * @param trainables the trainable tensors, in order: sections 2 (Adam m), 3 (Adam v) and 4 (EMA)
 */
public record CheckpointHeader(
        String format,
        ModelSpec model,
        TrainingSpec training,
        int imageChannels,
        int resolution,
        int labelDim,
        int datasetSize,
        long datasetCrc,
        long seed,
        long step,
        long images,
        int snapshotsEmitted,
        long nextSnapshotImages,
        long nextCheckpointImages,
        boolean ema,
        List<TensorRecord> parameters,
        List<TensorRecord> trainables) {
}
