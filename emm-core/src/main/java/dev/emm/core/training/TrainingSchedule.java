package dev.emm.core.training;

import dev.emm.core.spec.DataOrder;
import dev.emm.core.spec.EmaMode;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.TrainingSpec;

/**
 * Every number a training run derives from its spec and its training-set size |D|: batch,
 * duration, the learning rate and the EMA decay at each step, and the data order. Pure functions;
 * the training loop calls {@link #learningRate(long)} and {@link #emaBeta(long)} with the images
 * seen before the step, exactly as the paper's {@code training/training_loop.py} uses
 * {@code cur_nimg}.
 *
 * <p>The paper's {@code train.py} ("Modification" block) derives, for |D| images:
 * {@code total_kimg = max(int(duration * |D| / 50), 1)}, {@code ema_halflife_kimg = int(ema * |D| / 50)},
 * {@code lr_rampup_kimg = int(|D| / 5)} and {@code data_ratio = 50000 / |D|}; with its defaults
 * (duration 2000, ema 0.5) these are 40,000 epochs, a 10-epoch half-life and a 200-epoch warm-up,
 * each truncated to whole kimg. Here they are {@code duration} epochs, {@code emaHalfLifeEpochs}
 * and {@code warmupEpochs} with {@code truncateToKimg}: {@code 1000 * floor(epochs * |D| / 1000)}
 * images, which is the same double arithmetic (both are the correctly rounded |D|/5, |D|/100, ...).
 */
public final class TrainingSchedule {

    /** EDM's {@code ema_rampup_ratio}: the half-life never exceeds this share of the images seen. */
    public static final double EMA_RAMPUP_RATIO = 0.05;
    /** The |D| of full CIFAR-10, against which the paper's mode2 and mode4 scale ({@code data_ratio}). */
    public static final double REFERENCE_DATASET_SIZE = 50_000;
    /** The batch in mode2's exponent, whatever the run's batch. */
    public static final double REFERENCE_BATCH = 512;
    /** mode3's fixed half-life, {@code batch / 500 / 1000} in the paper. */
    public static final double CONSTANT_HALF_LIFE_KIMG = 500;
    private static final double KIMG = 1000;
    private static final double MIN_HALF_LIFE = 1e-8;

    private final TrainingSpec spec;
    private final int datasetSize;
    private final int batchSize;
    private final long totalImages;
    private final long totalSteps;
    private final long warmupImages;
    private final double emaHalfLifeImages;
    private final double dataRatio;

    private TrainingSchedule(TrainingSpec spec, int datasetSize) {
        this.spec = spec;
        this.datasetSize = datasetSize;
        this.batchSize = spec.effectiveBatchSize(datasetSize);
        this.totalImages = switch (spec.durationUnit()) {
            case EPOCHS -> Boolean.TRUE.equals(spec.truncateToKimg())
                    ? Math.max(wholeKimg(spec.duration(), datasetSize), (long) KIMG)
                    : Math.multiplyExact(spec.duration(), (long) datasetSize);
            case IMAGES -> spec.duration();
            case STEPS -> Math.multiplyExact(spec.duration(), (long) batchSize);
        };
        this.totalSteps = (totalImages + batchSize - 1) / batchSize;
        this.warmupImages = spec.warmupEpochs() != null ? epochsToImages(spec.warmupEpochs()) : spec.warmupImages();
        this.emaHalfLifeImages = spec.emaHalfLifeEpochs() != null ? epochsToImages(spec.emaHalfLifeEpochs())
                : spec.emaHalfLifeImages() != null ? spec.emaHalfLifeImages() : 0;
        this.dataRatio = REFERENCE_DATASET_SIZE / datasetSize;
    }

    /** The schedule of {@code training} (defaults are filled in and it is validated) for |D| = datasetSize. */
    public static TrainingSchedule of(TrainingSpec training, int datasetSize) {
        if (datasetSize < 1) {
            throw new IllegalArgumentException("the training set must hold at least one image, got " + datasetSize);
        }
        return new TrainingSchedule(SpecValidator.completedTraining(training), datasetSize);
    }

    private long epochsToImages(double epochs) {
        return Boolean.TRUE.equals(spec.truncateToKimg()) ? wholeKimg(epochs, datasetSize)
                : (long) Math.floor(epochs * datasetSize);
    }

    /** {@code int(epochs * |D| / 1000)} kimg in images: the paper's {@code int(x * |D| / 50)} kimg. */
    private static long wholeKimg(double epochs, int datasetSize) {
        return (long) Math.floor(epochs * datasetSize / KIMG) * (long) KIMG;
    }

    /**
     * The learning rate of the step that starts after {@code imagesSeen} images: {@code lr *
     * min(imagesSeen / warmupImages, 1)} (the paper's loop; so the first step's rate is 0). A warm-up of
     * 0 images means the full rate from the first step (the paper's formula would still give the first
     * step 0, via max(0, 1e-8); that arises there only at |D| < 5).
     */
    public double learningRate(long imagesSeen) {
        if (warmupImages == 0) {
            return spec.learningRate();
        }
        return spec.learningRate() * Math.min(imagesSeen / (double) warmupImages, 1.0);
    }

    /**
     * The EMA decay beta of the step that starts after {@code imagesSeen} images ({@code ema = lerp(w,
     * ema, beta)} after the optimizer step). With {@code emaDecay} d: d. Else, with h the half-life in
     * images capped at {@value #EMA_RAMPUP_RATIO} x imagesSeen (the ramp), B the batch and r =
     * 50,000 / |D|, the paper's modes: mode1 {@code 0.5^(B / h)} (EDM's rule), mode2 {@code 0.5^(512 / h
     * / r)}, mode3 {@code 0.5^(B / 500 / 1000)} (no ramp, no half-life), mode4 {@code finalEma / 0.5^(B
     * / 500 / 1000) * 0.5^(B / h / r)}; h is floored at 1e-8 as in the paper.
     */
    public double emaBeta(long imagesSeen) {
        if (spec.emaDecay() != null) {
            return spec.emaDecay();
        }
        double halfLife = Math.max(Math.min(emaHalfLifeImages, imagesSeen * EMA_RAMPUP_RATIO), MIN_HALF_LIFE);
        return switch (spec.emaMode()) {
            case MODE1 -> Math.pow(0.5, batchSize / halfLife);
            case MODE2 -> Math.pow(0.5, REFERENCE_BATCH / halfLife / dataRatio);
            case MODE3 -> constantModeBeta();
            case MODE4 -> spec.finalEma() / constantModeBeta() * Math.pow(0.5, batchSize / halfLife / dataRatio);
        };
    }

    private double constantModeBeta() {
        return Math.pow(0.5, batchSize / CONSTANT_HALF_LIFE_KIMG / KIMG);
    }

    /**
     * Whether the run keeps an EMA. Off when its beta is 0 at every step (no half-life, a half-life of
     * 0 images, or emaDecay 0): the EMA would equal the trained weights, so snapshots hold those.
     */
    public boolean emaActive() {
        if (spec.emaDecay() != null) {
            return spec.emaDecay() > 0;
        }
        return spec.emaMode() == EmaMode.MODE3 || emaHalfLifeImages > 0;
    }

    /** The images seen from which the ramp no longer caps the half-life; 0 when there is no ramp. */
    public long emaRampEndImages() {
        if (!emaActive() || spec.emaDecay() != null || spec.emaMode() == EmaMode.MODE3) {
            return 0;
        }
        return Math.round(emaHalfLifeImages / EMA_RAMPUP_RATIO);
    }

    /** Whether every epoch repeats the first epoch's order (the paper's window size 0). */
    public boolean fixedDataOrder() {
        return spec.dataOrder() == DataOrder.FIXED;
    }

    public TrainingSpec spec() {
        return spec;
    }

    public int datasetSize() {
        return datasetSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public long totalImages() {
        return totalImages;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long warmupImages() {
        return warmupImages;
    }

    /** The EMA half-life in images before the ramp caps it (0: none). */
    public double emaHalfLifeImages() {
        return emaHalfLifeImages;
    }

    /** 50,000 / |D|, the paper's {@code data_ratio}. */
    public double dataRatio() {
        return dataRatio;
    }

    /** The numbers above as a plain record, for printing ({@code emm spec show}) and for logs. */
    public Summary summary() {
        long rampEnd = emaRampEndImages();
        long warmupSteps = (warmupImages + batchSize - 1) / batchSize;
        Double finalEma = spec.emaMode() == EmaMode.MODE4 ? spec.finalEma() : null;
        String emaRule = spec.emaDecay() != null ? "emaDecay" : spec.emaMode().toString();
        return new Summary(datasetSize, batchSize, totalImages, totalSteps, (double) totalImages / datasetSize,
                spec.learningRate(), warmupImages, (double) warmupImages / datasetSize, warmupSteps, emaActive(),
                emaRule, emaHalfLifeImages, emaHalfLifeImages / datasetSize, EMA_RAMPUP_RATIO, rampEnd,
                (double) rampEnd / datasetSize, dataRatio, finalEma, emaBeta(rampEnd), spec.dataOrder());
    }

    /**
     * A schedule's numbers.
     *
     * @param emaMode the EMA rule: mode1 .. mode4, or "emaDecay" (a fixed beta)
     * @param emaBetaAfterRamp beta once the ramp no longer caps the half-life (the steady decay)
     */
    public record Summary(int datasetSize, int batchSize, long totalImages, long totalSteps, double epochs,
            double learningRate, long warmupImages, double warmupEpochs, long warmupSteps, boolean emaActive,
            String emaMode, double emaHalfLifeImages, double emaHalfLifeEpochs, double emaRampupRatio,
            long emaRampEndImages, double emaRampEndEpochs, double dataRatio, Double finalEma,
            double emaBetaAfterRamp, DataOrder dataOrder) {
    }
}
