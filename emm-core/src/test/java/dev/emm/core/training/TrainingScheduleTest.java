package dev.emm.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import dev.emm.core.spec.DataOrder;
import dev.emm.core.spec.EmaMode;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.TrainingSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The schedule against the paper's code written out literally: {@code train.py}'s "Modification"
 * block with the flags of the paper's default command ({@code --lr=2e-4 --duration=2000}, default
 * {@code --ema=0.5}, {@code --final-ema}, {@code --ema_mode}) and the learning-rate and EMA lines of
 * {@code training/training_loop.py}, at chosen steps, 1e-12 relative.
 */
class TrainingScheduleTest {

    /** The paper's code, Python transcribed operation by operation (true division, int() truncation). */
    private static final class PaperCode {
        static final double LR = 2e-4;
        static final double EMA = 0.5;
        static final double EMA_RAMPUP_RATIO = 0.05;
        static final double DURATION = 2000;
        final int batchSize;
        final EmaMode emaMode;
        final double finalEma;
        final long totalKimg;
        final long emaHalflifeKimg;
        final long lrRampupKimg;
        final double dataRatio;

        PaperCode(int imageNum, int batchSize, EmaMode emaMode, double finalEma) {
            this.batchSize = batchSize;
            this.emaMode = emaMode;
            this.finalEma = finalEma;
            // max(int(opts.duration * image_num / 50), 1)
            this.totalKimg = Math.max((long) (DURATION * imageNum / 50), 1);
            // int(opts.ema * image_num / 50)
            this.emaHalflifeKimg = (long) (EMA * imageNum / 50);
            // int(image_num / 5)
            this.lrRampupKimg = (long) (imageNum / 5.0);
            // 50000 / image_num
            this.dataRatio = 50000.0 / imageNum;
        }

        // optimizer_kwargs['lr'] * min(cur_nimg / max(lr_rampup_kimg * 1000, 1e-8), 1)
        double lr(long curNimg) {
            return LR * Math.min(curNimg / Math.max(lrRampupKimg * 1000, 1e-8), 1);
        }

        double emaBeta(long curNimg) {
            double emaHalflifeNimg = emaHalflifeKimg * 1000;
            emaHalflifeNimg = Math.min(emaHalflifeNimg, curNimg * EMA_RAMPUP_RATIO);
            double emaConstant = Math.pow(0.5, batchSize / 500.0 / 1000);
            return switch (emaMode) {
                case MODE1 -> Math.pow(0.5, batchSize / Math.max(emaHalflifeNimg, 1e-8));
                case MODE2 -> Math.pow(0.5, 512 / Math.max(emaHalflifeNimg, 1e-8) / dataRatio);
                case MODE3 -> emaConstant;
                case MODE4 -> finalEma / emaConstant
                        * Math.pow(0.5, batchSize / Math.max(emaHalflifeNimg, 1e-8) / dataRatio);
            };
        }
    }

    static TrainingSpec paperTraining(int batch, EmaMode emaMode, double finalEma) {
        String json = "{\"preset\":\"paper-ddpmpp-vp\",\"training\":{\"batchSize\":" + batch + ",\"emaMode\":\""
                + emaMode + "\",\"finalEma\":" + finalEma + "}}";
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class))
                .training();
    }

    /** Steps around every boundary of the schedule, and a few in between. */
    static List<Long> chosenSteps(PaperCode paper, long totalSteps) {
        TreeSet<Long> steps = new TreeSet<>(List.of(0L, 1L, 2L, 3L, 10L, 100L, 1000L, totalSteps - 1));
        long warmupStep = paper.lrRampupKimg * 1000 / paper.batchSize;
        long rampStep = (long) (paper.emaHalflifeKimg * 1000 / PaperCode.EMA_RAMPUP_RATIO) / paper.batchSize;
        for (long boundary : new long[] {warmupStep, rampStep}) {
            for (long s = boundary - 1; s <= boundary + 1; s++) {
                steps.add(s);
            }
        }
        return steps.stream().filter(s -> s >= 0 && s < totalSteps).toList();
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.abs(expected), what);
    }

    @Test
    void learningRateAndEmaBetaEqualThePapersCodeAtEverySizeBatchAndMode() {
        int compared = 0;
        for (int size : new int[] {100, 1000, 50_000}) {
            for (int batch : new int[] {128, 512}) {
                for (EmaMode mode : EmaMode.values()) {
                    for (double finalEma : new double[] {0.99929, 0.9}) {
                        PaperCode paper = new PaperCode(size, batch, mode, finalEma);
                        TrainingSchedule schedule = TrainingSchedule.of(paperTraining(batch, mode, finalEma), size);
                        assertEquals(paper.totalKimg * 1000, schedule.totalImages());
                        long totalSteps = (paper.totalKimg * 1000 + batch - 1) / batch;
                        assertEquals(totalSteps, schedule.totalSteps());
                        for (long step : chosenSteps(paper, totalSteps)) {
                            long curNimg = step * batch;
                            String at = "|D| " + size + ", batch " + batch + ", " + mode + ", final " + finalEma
                                    + ", step " + step;
                            assertRelative(paper.lr(curNimg), schedule.learningRate(curNimg), "lr at " + at);
                            assertRelative(paper.emaBeta(curNimg), schedule.emaBeta(curNimg), "beta at " + at);
                            compared++;
                        }
                    }
                }
            }
        }
        assertTrue(compared > 500, "compared " + compared);
    }

    @Test
    void derivedCountsTruncateToWholeKimgAsTrainPyDoes() {
        for (int size : new int[] {4, 5, 50, 99, 100, 101, 999, 1000, 1001, 1099, 4999, 50_000}) {
            PaperCode paper = new PaperCode(size, 512, EmaMode.MODE2, 0.99929);
            TrainingSchedule schedule = TrainingSchedule.of(paperTraining(512, EmaMode.MODE2, 0.99929), size);
            assertEquals(paper.lrRampupKimg * 1000, schedule.warmupImages(), "warm-up at |D| " + size);
            assertEquals(paper.emaHalflifeKimg * 1000, schedule.emaHalfLifeImages(), "half-life at |D| " + size);
            assertEquals(paper.totalKimg * 1000, schedule.totalImages(), "duration at |D| " + size);
            assertEquals(paper.emaHalflifeKimg > 0, schedule.emaActive(), "EMA at |D| " + size);
        }
        // 1,001 images: int(200.2) = 200 kimg, not 200.2 epochs
        assertEquals(200_000, TrainingSchedule.of(paperTraining(512, EmaMode.MODE2, 0.99929), 1001).warmupImages());
        // without truncation the same spec counts whole images
        TrainingSpec exact = Json.readStrict("""
                {"batchSize": 512, "warmupEpochs": 200, "emaHalfLifeEpochs": 10, "emaMode": "mode2",
                 "truncateToKimg": false}""", TrainingSpec.class);
        assertEquals(200_200, TrainingSchedule.of(exact, 1001).warmupImages());
        assertEquals(10_010.0, TrainingSchedule.of(exact, 1001).emaHalfLifeImages());
    }

    @Test
    void belowOneHundredImagesThePapersHalfLifeIsZeroAndItsEmaIsTheWeights() {
        TrainingSchedule schedule = TrainingSchedule.of(paperTraining(512, EmaMode.MODE2, 0.99929), 50);
        assertFalse(schedule.emaActive());
        assertEquals(0.0, schedule.emaBeta(512_000));
        assertEquals(new PaperCode(50, 512, EmaMode.MODE2, 0.99929).emaBeta(512_000), schedule.emaBeta(512_000));
    }

    @Test
    void anImageCountedSpecKeepsTodaysRule() {
        TrainingSpec old = Json.readStrict("""
                {"preconditioning": "vp", "learningRate": 2e-3, "warmupImages": 40, "batchSize": 6,
                 "emaHalfLifeImages": 200, "seed": 5, "durationUnit": "steps", "duration": 24}""", TrainingSpec.class);
        TrainingSchedule schedule = TrainingSchedule.of(old, 10);
        for (long images = 0; images < 24 * 6; images += 6) {
            assertEquals(2e-3 * Math.min((double) images / 40, 1.0), schedule.learningRate(images));
            assertEquals(Math.pow(0.5, 6 / Math.max(Math.min(200.0, images * 0.05), 1e-8)), schedule.emaBeta(images));
        }
        assertEquals(144, schedule.totalImages());
        assertFalse(schedule.fixedDataOrder());
        TrainingSchedule noWarmUp = TrainingSchedule.of(Json.readStrict("""
                {"preconditioning": "edm", "learningRate": 2e-3, "warmupImages": 0, "batchSize": 6, "emaDecay": 0,
                 "seed": 5, "durationUnit": "steps", "duration": 24}""", TrainingSpec.class), 10);
        assertEquals(2e-3, noWarmUp.learningRate(0));
        assertFalse(noWarmUp.emaActive());
    }

    @Test
    void thePaperPresetAtOneThousandImages() {
        TrainingSchedule.Summary s = TrainingSchedule.of(paperTraining(512, EmaMode.MODE2, 0.99929), 1000).summary();
        assertEquals(200_000, s.warmupImages());
        assertEquals(200.0, s.warmupEpochs());
        assertEquals(391, s.warmupSteps());
        assertEquals(10_000.0, s.emaHalfLifeImages());
        assertEquals(10.0, s.emaHalfLifeEpochs());
        assertEquals(0.05, s.emaRampupRatio());
        assertEquals(200_000, s.emaRampEndImages());
        assertEquals(200.0, s.emaRampEndEpochs());
        assertEquals("mode2", s.emaMode());
        assertEquals(50.0, s.dataRatio());
        assertRelative(Math.pow(0.5, 512 / 10_000.0 / 50), s.emaBetaAfterRamp(), "steady beta");
        assertEquals(0.99929, s.emaBetaAfterRamp(), 5e-6);
        assertNull(s.finalEma());
        assertEquals(40_000_000, s.totalImages());
        assertEquals(78_125, s.totalSteps());
        assertEquals(40_000.0, s.epochs());
        assertEquals(DataOrder.FIXED, s.dataOrder());
    }
}
