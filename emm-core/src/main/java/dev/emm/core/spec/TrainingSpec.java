package dev.emm.core.spec;

/**
 * The training procedure T. Duration is counted in {@code durationUnit} (epochs as in the paper,
 * images or steps); snapshots are taken every {@code snapshotEveryImages} training images. With
 * {@code capBatchAtDatasetSize} a run on fewer images than {@code batchSize} trains on batches of
 * |D| images (every step sees each image once, none twice); without it, as in EDM, a batch larger
 * than |D| repeats images.
 */
public record TrainingSpec(
        String preconditioning,
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
        String durationUnit,
        Long duration,
        Long snapshotEveryImages,
        Long checkpointEveryImages,
        Boolean capBatchAtDatasetSize) {

    public TrainingSpec(String preconditioning, Double learningRate, Long warmupImages, Integer batchSize,
            Double adamBeta1, Double adamBeta2, Double adamEps, Double weightDecay, Double emaHalfLifeImages,
            Double emaDecay, Long seed, String durationUnit, Long duration, Long snapshotEveryImages,
            Long checkpointEveryImages) {
        this(preconditioning, learningRate, warmupImages, batchSize, adamBeta1, adamBeta2, adamEps, weightDecay,
                emaHalfLifeImages, emaDecay, seed, durationUnit, duration, snapshotEveryImages, checkpointEveryImages,
                null);
    }

    TrainingSpec withDefaults() {
        return new TrainingSpec(
                preconditioning == null ? "vp" : preconditioning,
                learningRate == null ? 2e-4 : learningRate,
                warmupImages == null ? 10_000_000L : warmupImages,
                batchSize == null ? 512 : batchSize,
                adamBeta1 == null ? 0.9 : adamBeta1,
                adamBeta2 == null ? 0.999 : adamBeta2,
                adamEps == null ? 1e-8 : adamEps,
                weightDecay == null ? 0.0 : weightDecay,
                emaHalfLifeImages,
                emaDecay,
                seed == null ? 0L : seed,
                durationUnit == null ? "epochs" : durationUnit,
                duration == null ? 40_000L : duration,
                snapshotEveryImages,
                checkpointEveryImages,
                capBatchAtDatasetSize == null ? Boolean.FALSE : capBatchAtDatasetSize);
    }

    /** The batch a run on {@code datasetSize} images trains with. */
    public int effectiveBatchSize(int datasetSize) {
        return Boolean.TRUE.equals(capBatchAtDatasetSize) ? Math.min(batchSize, datasetSize) : batchSize;
    }
}
