package dev.emm.core.orchestration;

import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.search.SizePoint;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What the orchestrator knows of one training run: the metric of each snapshot measured so far and,
 * once the final snapshot has been measured, how many snapshots the run has.
 */
public record RunRecord(int size, String runId, Integer lastSnapshot, Map<Integer, MemorizationSummary> snapshots) {

    public RunRecord {
        snapshots = Map.copyOf(snapshots);
    }

    public static RunRecord started(int size, String runId) {
        return new RunRecord(size, runId, null, Map.of());
    }

    public RunRecord withSnapshot(int snapshot, boolean last, MemorizationSummary summary) {
        Map<Integer, MemorizationSummary> updated = new TreeMap<>(snapshots);
        updated.put(snapshot, summary);
        return new RunRecord(size, runId, last ? Integer.valueOf(snapshot) : lastSnapshot, updated);
    }

    /** Every snapshot 1..last has a metric. */
    public boolean complete() {
        return lastSnapshot != null && IntStream.rangeClosed(1, lastSnapshot).allMatch(snapshots::containsKey);
    }

    /** The run's ratio is the highest over its snapshots (snapshot 0 is never measured). */
    public Optional<SizePoint> point() {
        return snapshots.values().stream()
                .max(Comparator.comparingDouble(MemorizationSummary::ratio))
                .map(best -> new SizePoint(size, best.ratio(), best.ciLow(), best.ciHigh()));
    }
}
