package dev.emm.core.search;

import java.util.Arrays;
import java.util.List;

/**
 * The answer the user reads, also the last stdout line of {@code emm run}. {@code status} is the
 * search's outcome, {@code failed} or {@code cancelled}; {@code emm} is the largest
 * size shown to memorize (null when even the minimum does not); {@code bracket} is [lo, hi] with a
 * null end where the range holds no crossing.
 */
public record EmmResult(String experimentId, ExperimentStatus status, Integer emm, List<Integer> bracket,
        List<SizePoint> points, String message) {

    public static EmmResult finished(String experimentId, SearchDecision.Finished finished, List<SizePoint> points) {
        return new EmmResult(experimentId, ExperimentStatus.of(finished.outcome()), finished.largestMemorizing(),
                Arrays.asList(finished.largestMemorizing(), finished.smallestNotMemorizing()), points, null);
    }

    public static EmmResult cancelled(String experimentId, List<SizePoint> points) {
        return new EmmResult(experimentId, ExperimentStatus.CANCELLED, null, Arrays.asList(null, null), points, "cancelled on request");
    }

    public static EmmResult failed(String experimentId, List<SizePoint> points, String message) {
        return new EmmResult(experimentId, ExperimentStatus.FAILED, null, Arrays.asList(null, null), points, message);
    }
}
