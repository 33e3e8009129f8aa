package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.TrainingSpec;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A batch capped at |D| shows each image once per step; an uncapped one repeats images, as EDM does. */
class BatchSizeCapTest {

    /** Three steps at batch 8 on five digits. */
    private static TrainingRun threeSteps(boolean cap) {
        TrainingSpec spec = new TrainingSpec(PreconditioningType.EDM, 1e-3, 0L, 8, null, null, null, 0.0, null, 0.0, 3L, DurationUnit.STEPS, 3L, null,
                null, cap);
        ImageSet images = Mnist.first(5, 8);
        return new TrainingRun(TrainingRunResumeTest.tinyModel(), spec, images, null, 0, null,
                new TrainingRun.Options(Device.cpu(), 0));
    }

    @Test
    void aCappedBatchIsTheWholeSetInFreshOrderEveryStep() {
        try (TrainingRun run = threeSteps(true)) {
            assertEquals(3, run.totalSteps());
            assertEquals(15, run.totalImages());
            long[][] batches = new long[3][];
            for (int step = 0; step < 3; step++) {
                batches[step] = run.batchIndices(step * 5L, 5);
                long[] sorted = batches[step].clone();
                Arrays.sort(sorted);
                assertArrayEquals(LongStream.range(0, 5).toArray(), sorted, "step " + step + " is not a permutation");
            }
            assertTrue(!Arrays.equals(batches[0], batches[1]) || !Arrays.equals(batches[1], batches[2]),
                    "three steps in the same order");
            run.run(new TrainingListener() {
            });
            assertEquals(15, run.images());
            assertEquals(3, run.step());
        }
    }

    @Test
    void anUncappedBatchLargerThanTheSetRepeatsImages() {
        try (TrainingRun run = threeSteps(false)) {
            assertEquals(3, run.totalSteps());
            assertEquals(24, run.totalImages());
            assertEquals(5, Arrays.stream(run.batchIndices(0, 8)).distinct().count());
        }
    }
}
