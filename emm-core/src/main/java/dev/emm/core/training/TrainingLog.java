package dev.emm.core.training;

import dev.emm.core.events.StageTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A network run's training as the trainer stores it next to its snapshots
 * (StorageLayout.runTrainingLog): the mean loss of each progress report, and the time training
 * took over every attempt of the run. A resumed run keeps the points up to its checkpoint and
 * the time of every earlier attempt (work redone after a crash was spent too). At most
 * {@link #MAX_POINTS} points: a longer log merges neighbouring pairs, so the curve keeps an even
 * resolution over the whole run.
 */
public record TrainingLog(int schemaVersion, String runId, StageTime training, List<LossPoint> points) {

    public static final int VERSION = 1;
    public static final int MAX_POINTS = 1000;

    /**
     * The mean per-pixel loss over the steps since the previous point, reported at {@code step}
     * after {@code images} training images.
     */
    public record LossPoint(long step, long images, double loss) {
    }

    public TrainingLog {
        points = List.copyOf(points);
    }

    public static TrainingLog start(String runId) {
        return new TrainingLog(VERSION, runId, StageTime.ZERO, List.of());
    }

    /** The log of a run resumed at {@code step}: points after it are trained again. */
    public TrainingLog resumedAt(long step) {
        return new TrainingLog(schemaVersion, runId, training,
                points.stream().filter(point -> point.step() <= step).toList());
    }

    /** Appends a point (dropping any at or after its step), merging pairs beyond {@link #MAX_POINTS}. */
    public TrainingLog with(LossPoint point) {
        List<LossPoint> updated = new ArrayList<>(points.stream().filter(p -> p.step() < point.step()).toList());
        updated.add(point);
        return new TrainingLog(schemaVersion, runId, training,
                updated.size() > MAX_POINTS ? mergedPairs(updated) : updated);
    }

    public TrainingLog spent(StageTime time) {
        return new TrainingLog(schemaVersion, runId, time, points);
    }

    /** Each pair of neighbours becomes one point at the later step, its loss the step-weighted mean. */
    private static List<LossPoint> mergedPairs(List<LossPoint> points) {
        List<LossPoint> merged = new ArrayList<>();
        long previousStep = 0;
        for (int i = 0; i < points.size(); i += 2) {
            LossPoint first = points.get(i);
            if (i + 1 == points.size()) {
                merged.add(first);
                break;
            }
            LossPoint second = points.get(i + 1);
            double firstSteps = Math.max(1, first.step() - previousStep);
            double secondSteps = Math.max(1, second.step() - first.step());
            merged.add(new LossPoint(second.step(), second.images(),
                    (first.loss() * firstSteps + second.loss() * secondSteps) / (firstSteps + secondSteps)));
            previousStep = second.step();
        }
        return merged;
    }
}
