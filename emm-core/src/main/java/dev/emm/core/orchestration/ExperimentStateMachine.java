package dev.emm.core.orchestration;

import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.ExperimentProgress;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.EmmSearch;
import dev.emm.core.search.SearchDecision;
import dev.emm.core.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The orchestrator's logic without any framework: each input (a new experiment, a metric, a
 * failure, a restart) maps the current state to a new state and the events to publish. Inputs may
 * repeat (at-least-once delivery); a repeat never advances the search twice.
 */
public final class ExperimentStateMachine {

    private ExperimentStateMachine() {
    }

    public static Transition start(String experimentId, ExperimentSpec spec) {
        ExperimentState empty = new ExperimentState(ExperimentState.VERSION, experimentId, spec,
                ExperimentState.RUNNING, List.of(), Map.of(), null, null);
        return advance(empty);
    }

    public static Transition onMetric(ExperimentState state, MetricComputed metric) {
        RunRecord run = state.runs().get(metric.run().size());
        if (state.finished() || run == null || !run.runId().equals(metric.run().runId())) {
            return new Transition(state, List.of());
        }
        Map<Integer, RunRecord> runs = new HashMap<>(state.runs());
        runs.put(run.size(), run.withSnapshot(metric.snapshot(), metric.last(), metric.summary()));
        ExperimentState updated = withRuns(state, runs);
        boolean roundComplete = updated.probing().stream().allMatch(size -> updated.runs().get(size).complete());
        if (roundComplete) {
            return advance(updated);
        }
        return new Transition(updated, List.of(progress(updated)));
    }

    public static Transition onRunFailed(ExperimentState state, RunFailed failure) {
        RunRecord run = state.runs().get(failure.run().size());
        if (state.finished() || run == null || !run.runId().equals(failure.run().runId())) {
            return new Transition(state, List.of());
        }
        EmmResult result = EmmResult.failed(state.experimentId(), state.points(),
                "run " + failure.run().runId() + " failed in " + failure.stage() + ": " + failure.reason());
        return finish(state, result);
    }

    /**
     * After a restart: announce a finished experiment whose completion the broker never
     * acknowledged, or ask again for every run of the current round that has no complete result.
     */
    public static List<Object> resume(ExperimentState state) {
        if (state.finished()) {
            return state.awaitsAnnouncement() ? List.of(ExperimentCompleted.of(state.result())) : List.of();
        }
        return state.probing().stream()
                .map(size -> state.runs().get(size))
                .filter(run -> !run.complete())
                .map(run -> (Object) TrainRequested.of(new RunRef(state.experimentId(), run.runId(), run.size(),
                        state.spec())))
                .toList();
    }

    /** The state once the broker has acknowledged the experiment's completed event. */
    public static ExperimentState completionAnnounced(ExperimentState state) {
        return new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(), state.status(),
                state.probing(), state.runs(), state.result(), Boolean.TRUE);
    }

    private static Transition advance(ExperimentState state) {
        Map<Integer, Double> ratios = state.points().stream()
                .collect(Collectors.toMap(point -> point.size(), point -> point.ratio()));
        SearchDecision decision = EmmSearch.decide(state.spec().search(), ratios);
        if (decision instanceof SearchDecision.Finished finished) {
            return finish(state, EmmResult.finished(state.experimentId(), finished, state.points()));
        }
        List<Integer> sizes = ((SearchDecision.Probe) decision).sizes();
        Map<Integer, RunRecord> runs = new HashMap<>(state.runs());
        List<Object> events = new ArrayList<>();
        for (int size : sizes) {
            RunRef ref = RunRef.of(state.experimentId(), size, state.spec());
            runs.put(size, RunRecord.started(size, ref.runId()));
            events.add(TrainRequested.of(ref));
        }
        ExperimentState next = new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(),
                ExperimentState.RUNNING, sizes, runs, null, null);
        events.add(progress(next));
        return new Transition(next, events);
    }

    private static Transition finish(ExperimentState state, EmmResult result) {
        ExperimentState done = new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(),
                result.status(), List.of(), state.runs(), result, Boolean.FALSE);
        return new Transition(done, List.of(progress(done), ExperimentCompleted.of(result)));
    }

    private static ExperimentState withRuns(ExperimentState state, Map<Integer, RunRecord> runs) {
        return new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(), state.status(),
                state.probing(), runs, state.result(), state.completionAnnounced());
    }

    private static ExperimentProgress progress(ExperimentState state) {
        return ExperimentProgress.of(state.experimentId(), state.status(), state.points(), state.probing());
    }
}
