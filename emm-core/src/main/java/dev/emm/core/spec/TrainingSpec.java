package dev.emm.core.spec;

/**
 * The training procedure T. Duration is counted in {@code durationUnit} (epochs as in the paper,
 * images or steps); snapshots are taken every {@code snapshotEveryImages} training images, and
 * resumable checkpoints every {@code checkpointEveryImages} (by default at every snapshot). With
 * {@code capBatchAtDatasetSize} a run on fewer images than {@code batchSize} trains on batches of
 * |D| images (every step sees each image once, none twice); without it, as in EDM, a batch larger
 * than |D| repeats images.
 *
 * <p>The learning-rate warm-up is given in images ({@code warmupImages}) or in epochs of the run's
 * |D| ({@code warmupEpochs}); so is the EMA half-life ({@code emaHalfLifeImages},
 * {@code emaHalfLifeEpochs}). {@code emaMode} names the paper's four EMA rules ({@link EmaMode},
 * {@code finalEma} for mode4). {@code truncateToKimg} truncates every |D|-derived image count to
 * whole thousands, as the paper's {@code train.py} computes them in kimg. {@code dataOrder} is a
 * {@link DataOrder}. {@code
 * dev.emm.core.training.TrainingSchedule} turns all of this into numbers for a given |D|.
 */
public record TrainingSpec(
        PreconditioningType preconditioning,
        Double learningRate,
        Long warmupImages,
        Integer batchSize,
        Double adamBeta1,
        Double adamBeta2,
        Double adamEps,
        Double weightDecay,
        Double emaHalfLifeImages,
        Double emaDecay,
        Long seed,
        DurationUnit durationUnit,
        Long duration,
        Long snapshotEveryImages,
        Long checkpointEveryImages,
        Boolean capBatchAtDatasetSize,
        Double warmupEpochs,
        Double emaHalfLifeEpochs,
        EmaMode emaMode,
        Double finalEma,
        Boolean truncateToKimg,
        DataOrder dataOrder) {

    public TrainingSpec(PreconditioningType preconditioning, Double learningRate, Long warmupImages, Integer batchSize,
            Double adamBeta1, Double adamBeta2, Double adamEps, Double weightDecay, Double emaHalfLifeImages,
            Double emaDecay, Long seed, DurationUnit durationUnit, Long duration, Long snapshotEveryImages,
            Long checkpointEveryImages) {
        this(preconditioning, learningRate, warmupImages, batchSize, adamBeta1, adamBeta2, adamEps, weightDecay,
                emaHalfLifeImages, emaDecay, seed, durationUnit, duration, snapshotEveryImages, checkpointEveryImages,
                null);
    }

    public TrainingSpec(PreconditioningType preconditioning, Double learningRate, Long warmupImages, Integer batchSize,
            Double adamBeta1, Double adamBeta2, Double adamEps, Double weightDecay, Double emaHalfLifeImages,
            Double emaDecay, Long seed, DurationUnit durationUnit, Long duration, Long snapshotEveryImages,
            Long checkpointEveryImages, Boolean capBatchAtDatasetSize) {
        this(preconditioning, learningRate, warmupImages, batchSize, adamBeta1, adamBeta2, adamEps, weightDecay,
                emaHalfLifeImages, emaDecay, seed, durationUnit, duration, snapshotEveryImages, checkpointEveryImages,
                capBatchAtDatasetSize, null, null, null, null, null, null);
    }

    /** A spec that sets nothing: every field takes its default. */
    static TrainingSpec unset() {
        return new TrainingSpec(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    TrainingSpec withDefaults() {
        return new TrainingSpec(
                preconditioning == null ? PreconditioningType.VP : preconditioning,
                learningRate == null ? 2e-4 : learningRate,
                warmupImages == null && warmupEpochs == null ? Long.valueOf(10_000_000L) : warmupImages,
                batchSize == null ? 512 : batchSize,
                adamBeta1 == null ? 0.9 : adamBeta1,
                adamBeta2 == null ? 0.999 : adamBeta2,
                adamEps == null ? 1e-8 : adamEps,
                weightDecay == null ? 0.0 : weightDecay,
                emaHalfLifeImages,
                emaDecay,
                seed == null ? 0L : seed,
                durationUnit == null ? DurationUnit.EPOCHS : durationUnit,
                duration == null ? 40_000L : duration,
                snapshotEveryImages,
                // A checkpoint at every snapshot unless set: a stopped or crashed trainer loses at most
                // one snapshot interval (a SIGTERM also checkpoints where it stops).
                checkpointEveryImages == null ? snapshotEveryImages : checkpointEveryImages,
                capBatchAtDatasetSize == null ? Boolean.FALSE : capBatchAtDatasetSize,
                warmupEpochs,
                emaHalfLifeEpochs,
                emaMode == null ? EmaMode.MODE1 : emaMode,
                finalEma == null ? 0.99929 : finalEma,
                truncateToKimg == null ? Boolean.FALSE : truncateToKimg,
                dataOrder == null ? DataOrder.RESHUFFLE : dataOrder);
    }

    /**
     * The same procedure cut to {@code steps} steps of {@code batch} images with no snapshot or
     * checkpoint cadence (throughput measurements train a preset's recipe for a few steps).
     */
    public TrainingSpec forSteps(int batch, long steps) {
        return new TrainingSpec(preconditioning, learningRate, warmupImages, batch, adamBeta1, adamBeta2, adamEps,
                weightDecay, emaHalfLifeImages, emaDecay, seed, DurationUnit.STEPS, steps, null, null, capBatchAtDatasetSize,
                warmupEpochs, emaHalfLifeEpochs, emaMode, finalEma, truncateToKimg, dataOrder);
    }

    /**
     * The same procedure without its snapshot and checkpoint cadence, which change when a run saves,
     * not what it computes: a checkpoint resumes under any cadence.
     */
    public TrainingSpec withoutCadence() {
        return new TrainingSpec(preconditioning, learningRate, warmupImages, batchSize, adamBeta1, adamBeta2, adamEps,
                weightDecay, emaHalfLifeImages, emaDecay, seed, durationUnit, duration, null, null,
                capBatchAtDatasetSize, warmupEpochs, emaHalfLifeEpochs, emaMode, finalEma, truncateToKimg, dataOrder);
    }

    /** The batch a run on {@code datasetSize} images trains with. */
    public int effectiveBatchSize(int datasetSize) {
        return Boolean.TRUE.equals(capBatchAtDatasetSize) ? Math.min(batchSize, datasetSize) : batchSize;
    }
}
