package dev.emm.core.orchestration;

import dev.emm.core.events.StageTime;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.search.EarlyStop;
import dev.emm.core.search.SizePoint;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * What the orchestrator knows of one training run: the metric of each snapshot measured so far,
 * once the final snapshot has been measured how many snapshots the run has, the early-stop
 * {@code decision} once one was made (null in states written before early stopping existed), and
 * the time sampling and the metric took over the snapshots it recorded (null while none came
 * with a time, as in states written before the times existed).
 */
public record RunRecord(int size, String runId, Integer lastSnapshot, Map<Integer, MemorizationSummary> snapshots,
        EarlyStop.Decision decision, StageTime sampling, StageTime metric) {

    public RunRecord {
        snapshots = Map.copyOf(snapshots);
    }

    public static RunRecord started(int size, String runId) {
        return new RunRecord(size, runId, null, Map.of(), null, null, null);
    }

    public RunRecord withSnapshot(int snapshot, boolean last, MemorizationSummary summary) {
        Map<Integer, MemorizationSummary> updated = new TreeMap<>(snapshots);
        updated.put(snapshot, summary);
        return new RunRecord(size, runId, last ? Integer.valueOf(snapshot) : lastSnapshot, updated, decision, sampling,
                metric);
    }

    /** Adds the time one snapshot's sampling and metric took (either may be null: not recorded). */
    public RunRecord withStageTimes(StageTime snapshotSampling, StageTime snapshotMetric) {
        return new RunRecord(size, runId, lastSnapshot, snapshots, decision, StageTime.sum(sampling, snapshotSampling),
                StageTime.sum(metric, snapshotMetric));
    }

    public RunRecord decided(EarlyStop.Decision earlyDecision) {
        return new RunRecord(size, runId, lastSnapshot, snapshots, earlyDecision, sampling, metric);
    }

    /** Every snapshot 1..last has a metric, or the run was decided early. */
    public boolean complete() {
        return decision != null || measuredToTheEnd();
    }

    /** Every snapshot 1..last has a metric: the trainer has finished, there is nothing to stop. */
    public boolean measuredToTheEnd() {
        return lastSnapshot != null && IntStream.rangeClosed(1, lastSnapshot).allMatch(snapshots::containsKey);
    }

    /**
     * The run's ratio is the highest over its snapshots (snapshot 0 is never measured); a run decided
     * early counts its snapshots up to the deciding one only, whatever arrived out of order after it.
     */
    public Optional<SizePoint> point() {
        return bestSnapshot().map(snapshots::get)
                .map(best -> new SizePoint(size, best.ratio(), best.ciLow(), best.ciHigh()));
    }

    /** The snapshot whose ratio is the run's: the highest (up to a decision's snapshot), the earliest of equals. */
    public Optional<Integer> bestSnapshot() {
        return snapshots.entrySet().stream()
                .filter(entry -> decision == null || entry.getKey() <= decision.snapshot())
                .max(Comparator.<Map.Entry<Integer, MemorizationSummary>>comparingDouble(e -> e.getValue().ratio())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey);
    }
}
