package dev.emm.core.search;

import java.util.Arrays;
import java.util.List;

/**
 * The answer the user reads, also the last stdout line of {@code emm run}. {@code status} is a
 * {@link SearchOutcome} wire name, {@code running}, {@code failed} or {@code cancelled}; {@code emm} is the largest
 * size shown to memorize (null when even the minimum does not); {@code bracket} is [lo, hi] with a
 * null end where the range holds no crossing.
 */
public record EmmResult(String experimentId, String status, Integer emm, List<Integer> bracket,
        List<SizePoint> points, String message) {

    public static final String CANCELLED = "cancelled";

    public static EmmResult finished(String experimentId, SearchDecision.Finished finished, List<SizePoint> points) {
        return new EmmResult(experimentId, finished.outcome().wireName(), finished.largestMemorizing(),
                Arrays.asList(finished.largestMemorizing(), finished.smallestNotMemorizing()), points, null);
    }

    public static EmmResult cancelled(String experimentId, List<SizePoint> points) {
        return new EmmResult(experimentId, CANCELLED, null, Arrays.asList(null, null), points, "cancelled on request");
    }

    public static EmmResult failed(String experimentId, List<SizePoint> points, String message) {
        return new EmmResult(experimentId, "failed", null, Arrays.asList(null, null), points, message);
    }
}
