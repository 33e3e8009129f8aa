package dev.emm.core.events;

import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import java.util.List;

/**
 * The state of an experiment's search after each step ({@link Topics#EXPERIMENTS_PROGRESS}):
 * the sizes measured so far and the sizes now training.
 */
public record ExperimentProgress(int schemaVersion, String experimentId, ExperimentStatus status, List<SizePoint> points,
        List<Integer> probing) {

    public static final int VERSION = 1;

    public static ExperimentProgress of(String experimentId, ExperimentStatus status, List<SizePoint> points,
            List<Integer> probing) {
        return new ExperimentProgress(VERSION, experimentId, status, points, probing);
    }
}
