package dev.emm.core.orchestration;

import dev.emm.core.search.EmmResult;
import dev.emm.core.search.SizePoint;
import dev.emm.core.spec.ExperimentSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole state of one experiment, persisted after every transition so that an orchestrator
 * restart loses nothing. {@code probing} holds the sizes of the current search round; {@code runs}
 * every run ever started, keyed by size.
 */
public record ExperimentState(
        int schemaVersion,
        String experimentId,
        ExperimentSpec spec,
        String status,
        List<Integer> probing,
        Map<Integer, RunRecord> runs,
        EmmResult result) {

    public static final int VERSION = 1;
    public static final String RUNNING = "running";

    public ExperimentState {
        probing = List.copyOf(probing);
        runs = Map.copyOf(runs);
    }

    public boolean finished() {
        return result != null;
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
