package dev.emm.core.spec;

/**
 * The training procedure T. Duration is counted in {@code durationUnit} (epochs as in the paper,
 * images or steps); snapshots are taken every {@code snapshotEveryImages} training images.
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
        Long checkpointEveryImages) {

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
                checkpointEveryImages);
    }
}
