package dev.emm.core.search;

import dev.emm.core.spec.TrainingSpec;
import dev.emm.core.training.TrainingSchedule;
import java.util.Collection;
import java.util.function.IntToLongFunction;

/**
 * Training cost in images, the unit in which the search is compared with the paper's grid
 * procedure (docs/BENCHMARKS.md, "Cost model"). A run at |D| trained to its end costs
 * {@code fullRun(|D|)} images; the grid procedure trains every one of its sizes to the end; a
 * run the search stops early costs the share of its run it trained.
 */
public record SearchCostModel(IntToLongFunction fullRun) {

    /**
     * The paper's unit: every run trains the same number of epochs (DiffMemorize's train.py, 40k
     * epochs at every size), so a run at |D| costs |D| and the epochs cancel.
     */
    public static SearchCostModel inEpochs() {
        return new SearchCostModel(size -> size);
    }

    /** The images of the training schedule of {@code training} at each size. */
    public static SearchCostModel of(TrainingSpec training) {
        return new SearchCostModel(size -> TrainingSchedule.of(training, size).totalImages());
    }

    /** The grid procedure over {@code sizes}: every size trained to its end. */
    public long grid(Collection<Integer> sizes) {
        long images = 0;
        for (int size : sizes) {
            images += fullRun.applyAsLong(size);
        }
        return images;
    }

    /** One run at {@code size} stopped after {@code trainedShare} (in [0, 1]) of its training. */
    public double run(int size, double trainedShare) {
        return fullRun.applyAsLong(size) * trainedShare;
    }
}
