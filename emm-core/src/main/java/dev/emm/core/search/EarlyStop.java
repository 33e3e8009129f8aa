package dev.emm.core.search;

import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.spec.SearchSpec;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * When a training run is decided before its duration ends. A run's ratio is the highest over its
 * snapshots, so once one snapshot reaches 1 - eps the run memorizes whatever its later snapshots
 * do: with {@code earlyStop = ratio} the stop uses exactly the search's own test, so stopping can
 * never change the search's answer, only lower the reported ratio of a memorizing size to that of
 * its first deciding snapshot. {@code ciLow} waits until the Wilson lower bound is above the line.
 * A snapshot decides "memorizing" only once every earlier snapshot is measured: with sequential
 * sampling an earlier snapshot may still be drawing more samples when a later one arrives, and the
 * deciding snapshot must be the first that reaches the line, as when metrics arrive in order.
 *
 * <p>The plateau rule (off unless {@code plateauSnapshots} k >= 2) is a judgement, not a proof: it
 * stops a run as not memorizing once k consecutive snapshots are all below 1 - eps and none of the
 * later k - 1 rose above the upper Wilson bound of the first. A curve that still climbs, but by
 * less than its interval per snapshot, is stopped too; such a run would have had to cross 1 - eps
 * later for the stop to change the answer.
 */
public final class EarlyStop {

    public enum Verdict { MEMORIZING, NOT_MEMORIZING }

    /** The verdict and the snapshot that decided it. */
    public record Decision(Verdict verdict, int snapshot) {
    }

    private EarlyStop() {
    }

    /**
     * @param snapshots the metrics measured so far, by snapshot index (1-based, possibly with gaps:
     *                  snapshots are measured concurrently and may arrive out of order)
     * @return the decision, or empty while the run must go on
     */
    public static Optional<Decision> decide(SearchSpec search, Map<Integer, MemorizationSummary> snapshots) {
        double threshold = search.threshold();
        Optional<Integer> memorizing = snapshots.entrySet().stream()
                .filter(entry -> reaches(search, entry.getValue(), threshold))
                .map(Map.Entry::getKey)
                .min(Integer::compare);
        if (memorizing.isPresent()) {
            boolean everyEarlierMeasured = IntStream.range(1, memorizing.get()).allMatch(snapshots::containsKey);
            return everyEarlierMeasured ? Optional.of(new Decision(Verdict.MEMORIZING, memorizing.get()))
                    : Optional.empty();
        }
        boolean anyAtThreshold = snapshots.values().stream().anyMatch(summary -> summary.ratio() >= threshold);
        int window = search.plateauSnapshots();
        if (window < 2 || anyAtThreshold) {
            return Optional.empty();
        }
        int newest = snapshots.keySet().stream().max(Integer::compare).orElse(0);
        for (int last = window; last <= newest; last++) {
            if (plateaued(snapshots, last - window + 1, last)) {
                return Optional.of(new Decision(Verdict.NOT_MEMORIZING, last));
            }
        }
        return Optional.empty();
    }

    private static boolean reaches(SearchSpec search, MemorizationSummary summary, double threshold) {
        return switch (search.earlyStop()) {
            case RATIO -> summary.ratio() >= threshold;
            case CI_LOW -> summary.ciLow() >= threshold;
            case OFF -> false;
        };
    }

    /** Snapshots first..last are measured and none after the first rose above the first's upper bound. */
    private static boolean plateaued(Map<Integer, MemorizationSummary> snapshots, int first, int last) {
        for (int index = first; index <= last; index++) {
            if (!snapshots.containsKey(index)) {
                return false;
            }
        }
        double ceiling = snapshots.get(first).ciHigh();
        for (int index = first + 1; index <= last; index++) {
            if (snapshots.get(index).ratio() > ceiling) {
                return false;
            }
        }
        return true;
    }
}
