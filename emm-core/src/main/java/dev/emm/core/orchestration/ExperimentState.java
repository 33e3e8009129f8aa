package dev.emm.core.orchestration;

import dev.emm.core.search.EmmResult;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import dev.emm.core.spec.ExperimentSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole state of one experiment, persisted after every transition so that an orchestrator
 * restart loses nothing. {@code probing} holds the sizes of the current search round; {@code runs}
 * every run ever started, keyed by size (a cancelled experiment keeps the round it was cancelled in).
 * {@code status} is {@code running} until {@code result} is set, then the result's status
 * ({@code cancelled} included). {@code completionAnnounced} is false from the moment the
 * experiment finishes until the broker has acknowledged its completed event, so a restart in
 * between announces it again; null (states written before the field existed) counts as announced.
 */
public record ExperimentState(
        int schemaVersion,
        String experimentId,
        ExperimentSpec spec,
        ExperimentStatus status,
        List<Integer> probing,
        Map<Integer, RunRecord> runs,
        EmmResult result,
        Boolean completionAnnounced) {

    public static final int VERSION = 1;

    public ExperimentState {
        probing = List.copyOf(probing);
        runs = Map.copyOf(runs);
    }

    public boolean finished() {
        return result != null;
    }

    public boolean awaitsAnnouncement() {
        return finished() && Boolean.FALSE.equals(completionAnnounced);
    }

    /** Measured sizes, ascending, from complete runs only. */
    public List<SizePoint> points() {
        return runs.values().stream()
                .filter(RunRecord::complete)
                .map(RunRecord::point)
                .flatMap(Optional::stream)
                .sorted(java.util.Comparator.comparingInt(SizePoint::size))
                .toList();
    }
}
