package dev.emm.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.events.StageTime;
import dev.emm.core.json.Json;
import dev.emm.core.training.TrainingLog.LossPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLogTest {

    @Test
    void aResumedRunKeepsItsPointsUpToTheCheckpointAndTheTimeOfEveryAttempt() {
        TrainingLog log = TrainingLog.start("r").with(new LossPoint(10, 80, 0.9)).with(new LossPoint(20, 160, 0.7))
                .with(new LossPoint(30, 240, 0.6)).spent(new StageTime(12.5, 40));
        TrainingLog resumed = log.resumedAt(20);
        assertEquals(List.of(10L, 20L), resumed.points().stream().map(LossPoint::step).toList());
        assertEquals(new StageTime(12.5, 40), resumed.training());
        TrainingLog again = resumed.with(new LossPoint(25, 200, 0.65)).with(new LossPoint(25, 200, 0.64));
        assertEquals(List.of(10L, 20L, 25L), again.points().stream().map(LossPoint::step).toList());
        assertEquals(0.64, again.points().get(2).loss(), "a repeated step replaces the earlier point");
    }

    @Test
    void aLongLogMergesNeighbouringPairsWithStepWeightedMeans() {
        TrainingLog log = TrainingLog.start("r");
        long step = 0;
        for (int i = 0; i <= TrainingLog.MAX_POINTS; i++) {
            step += i % 2 == 0 ? 1 : 5;
            log = log.with(new LossPoint(step, step * 8, i % 2 == 0 ? 1.0 : 4.0));
        }
        assertEquals(TrainingLog.MAX_POINTS / 2 + 1, log.points().size());
        LossPoint firstPair = log.points().get(0);
        assertEquals(6, firstPair.step());
        assertEquals(48, firstPair.images());
        assertEquals((1.0 * 1 + 4.0 * 5) / 6, firstPair.loss(), 1e-12, "weighted by the steps each point covers");
        assertEquals((1.0 * 1 + 4.0 * 5) / 6, log.points().get(499).loss(), 1e-12);
        assertEquals(step, log.points().get(500).step(), "the odd last point is kept as it is");
        assertEquals(1.0, log.points().get(500).loss());
    }

    @Test
    void itReadsBackAsWritten() {
        TrainingLog log = TrainingLog.start("r").with(new LossPoint(1, 8, 0.125)).spent(new StageTime(1.5, 2.25));
        assertEquals(log, Json.read(Json.toBytes(log), TrainingLog.class));
    }
}
