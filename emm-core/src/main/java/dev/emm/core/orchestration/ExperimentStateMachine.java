package dev.emm.core.orchestration;

import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.ExperimentProgress;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunCancelled;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.search.EarlyStop;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.EmmSearch;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SearchDecision;
import dev.emm.core.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
                ExperimentStatus.RUNNING, List.of(), Map.of(), null, null);
        return advance(empty);
    }

    /**
     * Records a snapshot's metric, and the time its sampling and metric took the first time it is
     * recorded. A run decided by {@link EarlyStop} is complete at once and cancelled
     * (its trainer stops, its queued snapshots are skipped); metrics that still arrive for a decided
     * run are ignored, so its point is the one the decision was made on.
     */
    public static Transition onMetric(ExperimentState state, MetricComputed metric) {
        RunRecord run = state.runs().get(metric.run().size());
        if (state.finished() || run == null || !run.runId().equals(metric.run().runId()) || run.decision() != null) {
            return new Transition(state, List.of());
        }
        RunRecord measured = run.withSnapshot(metric.snapshot(), metric.last(), metric.summary());
        if (!run.snapshots().containsKey(metric.snapshot())) {
            // a repeated delivery found its results stored and took (almost) no time: the first one counts
            measured = measured.withStageTimes(metric.sampling(), metric.metric());
        }
        List<Object> cancellations = new ArrayList<>();
        if (!measured.measuredToTheEnd()) {
            Optional<EarlyStop.Decision> decision = EarlyStop.decide(state.spec().search(), measured.snapshots());
            if (decision.isPresent()) {
                measured = measured.decided(decision.get());
                cancellations.add(cancellation(state.experimentId(), measured));
            }
        }
        Map<Integer, RunRecord> runs = new HashMap<>(state.runs());
        runs.put(run.size(), measured);
        ExperimentState updated = withRuns(state, runs);
        boolean roundComplete = updated.probing().stream().allMatch(size -> updated.runs().get(size).complete());
        Transition next = roundComplete ? advance(updated) : new Transition(updated, List.of(progress(updated)));
        cancellations.addAll(next.events());
        return new Transition(next.state(), cancellations);
    }

    /**
     * A user cancels the experiment: it finishes as {@code cancelled} and every run of the current
     * round still training is cancelled (the state keeps that round's sizes, so a restart can
     * cancel them again). A finished experiment (cancelled before, or with its answer)
     * is left as it is, so a repeated cancel is harmless.
     */
    public static Transition cancel(ExperimentState state) {
        if (state.finished()) {
            return new Transition(state, List.of());
        }
        return stop(state, EmmResult.cancelled(state.experimentId(), state.points()), state.probing());
    }

    /**
     * A run failed: the experiment finishes as {@code failed} with the run's reason, and the other
     * runs of the current round still training are cancelled (with {@code parallelProbes} > 1 they
     * would otherwise train on for nothing). The state keeps those sizes, as a cancel does, so a
     * restart can cancel them again; the failed run itself has stopped, or its worker has given it up.
     */
    public static Transition onRunFailed(ExperimentState state, RunFailed failure) {
        RunRecord run = state.runs().get(failure.run().size());
        if (state.finished() || run == null || !run.runId().equals(failure.run().runId())) {
            return new Transition(state, List.of());
        }
        EmmResult result = EmmResult.failed(state.experimentId(), state.points(),
                "run " + failure.run().runId() + " failed in " + failure.stage() + ": " + failure.reason());
        List<Integer> others = state.probing().stream().filter(size -> size != run.size()).toList();
        return stop(state, result, others);
    }

    /**
     * After a restart: announce a finished experiment whose completion the broker never
     * acknowledged, or ask again for every run of the current round that has no complete result.
     * Cancellations of such an experiment are sent again too (a crash may have come between saving
     * the state and publishing them; a repeated cancellation is harmless).
     */
    public static List<Object> resume(ExperimentState state) {
        if (state.finished() && !state.awaitsAnnouncement()) {
            return List.of();
        }
        List<Object> events = new ArrayList<>(cancellations(state));
        if (state.finished()) {
            events.add(ExperimentCompleted.of(state.result()));
            return events;
        }
        state.probing().stream()
                .map(size -> state.runs().get(size))
                .filter(run -> !run.complete())
                .map(run -> TrainRequested.of(new RunRef(state.experimentId(), run.runId(), run.size(), state.spec())))
                .forEach(events::add);
        return events;
    }

    /**
     * Ends an experiment that cannot go on after a restart (the broker refuses its events, or its
     * state contradicts itself) as {@code failed} with the reason. One already finished keeps its
     * result and is recorded as announced, so a completion the broker refuses is not retried forever.
     */
    public static Transition failOnResume(ExperimentState state, String reason) {
        if (state.finished()) {
            return new Transition(completionAnnounced(state), List.of());
        }
        return finish(state, EmmResult.failed(state.experimentId(), state.points(), reason));
    }

    /**
     * The state that replaces one that could not be read at all: failed with the reason, with no
     * spec and no runs (nothing of the original can be trusted).
     */
    public static Transition unreadable(String experimentId, String reason) {
        EmmResult result = EmmResult.failed(experimentId, List.of(), reason);
        ExperimentState failed = new ExperimentState(ExperimentState.VERSION, experimentId, null, result.status(),
                List.of(), Map.of(), result, Boolean.FALSE);
        return new Transition(failed, List.of(progress(failed), ExperimentCompleted.of(result)));
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
                ExperimentStatus.RUNNING, sizes, runs, null, null);
        events.add(progress(next));
        return new Transition(next, events);
    }

    /**
     * Ends a running experiment early (cancelled or failed) and cancels the runs of {@code stillProbing}
     * that have no result yet.
     */
    private static Transition stop(ExperimentState state, EmmResult result, List<Integer> stillProbing) {
        ExperimentState stopped = new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(),
                result.status(), stillProbing, state.runs(), result, Boolean.FALSE);
        List<Object> events = new ArrayList<>(cancellations(stopped));
        events.add(progress(stopped));
        events.add(ExperimentCompleted.of(result));
        return new Transition(stopped, events);
    }

    private static Transition finish(ExperimentState state, EmmResult result) {
        ExperimentState done = new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(),
                result.status(), List.of(), state.runs(), result, Boolean.FALSE);
        return new Transition(done, List.of(progress(done), ExperimentCompleted.of(result)));
    }

    /**
     * The runs that must not go on: those decided early before their last snapshot was measured,
     * and, in a cancelled or failed experiment, the runs it still lists as probing that have no result.
     */
    private static List<RunCancelled> cancellations(ExperimentState state) {
        boolean experimentCancelled = state.status() == ExperimentStatus.CANCELLED;
        boolean experimentStopped = experimentCancelled || state.status() == ExperimentStatus.FAILED;
        List<RunCancelled> cancelled = new ArrayList<>();
        state.runs().values().stream()
                .sorted(Comparator.comparingInt(RunRecord::size))
                .forEach(run -> {
                    if (run.decision() != null && !run.measuredToTheEnd()) {
                        cancelled.add(cancellation(state.experimentId(), run));
                    } else if (experimentStopped && state.probing().contains(run.size()) && !run.complete()) {
                        cancelled.add(RunCancelled.of(state.experimentId(), run.runId(), run.size(),
                                experimentCancelled ? RunCancelled.EXPERIMENT_CANCELLED : RunCancelled.EXPERIMENT_FAILED,
                                null));
                    }
                });
        return cancelled;
    }

    private static RunCancelled cancellation(String experimentId, RunRecord decided) {
        String reason = decided.decision().verdict() == EarlyStop.Verdict.MEMORIZING
                ? RunCancelled.MEMORIZING : RunCancelled.NOT_MEMORIZING;
        return RunCancelled.of(experimentId, decided.runId(), decided.size(), reason, decided.decision().snapshot());
    }

    private static ExperimentState withRuns(ExperimentState state, Map<Integer, RunRecord> runs) {
        return new ExperimentState(state.schemaVersion(), state.experimentId(), state.spec(), state.status(),
                state.probing(), runs, state.result(), state.completionAnnounced());
    }

    private static ExperimentProgress progress(ExperimentState state) {
        return ExperimentProgress.of(state.experimentId(), state.status(), state.points(), state.probing());
    }
}
