package dev.emm.core.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.optimum.OptimalDenoiser;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.LabelMode;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.SearchSpec;
import dev.emm.core.spec.SpecValidator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentStateMachineTest {

    private static ExperimentSpec optimumSpec(int min, int max) {
        return SpecValidator.validated(new ExperimentSpec("optimum", new DataSpec("mnist", 8, 10, LabelMode.NONE, null,
                null, null), new ModelSpec("optimum", null, null, null, null, null, null, null), null,
                new SamplingSpec(60, null, null, null, null, null, null, null, null, null, 60),
                new SearchSpec(null, min, max, null, null, 2.0)));
    }

    /** Trains (optimum), samples and measures one run with the real core science. */
    private static MetricComputed measure(TrainRequested request) {
        TrainingSubset subset = TrainingSubset.materialize(TestData.mnist(), request.run().spec().data(),
                request.run().size());
        ImageSet samples = new EdmHeunSampler(request.run().spec().sampling())
                .sampleAll(new OptimalDenoiser(subset.images(), subset.labelDim()), 1, 8, done -> { });
        MemorizationSummary summary = MemorizationMetric.nearestTwo(samples, subset.images()).summary();
        return MetricComputed.of(request.run(), 1, true, summary, "unused");
    }

    @Test
    void anOptimumExperimentRunsToEmmAtLeastMaxWithEveryRatioAbove95Percent() {
        Transition transition = ExperimentStateMachine.start("exp1", optimumSpec(10, 80));
        Deque<TrainRequested> pending = new ArrayDeque<>();
        ExperimentCompleted completed = null;
        ExperimentState state = transition.state();
        List<Object> events = transition.events();
        int rounds = 0;
        while (completed == null && rounds++ < 20) {
            for (Object event : events) {
                if (event instanceof TrainRequested request) {
                    pending.add(request);
                } else if (event instanceof ExperimentCompleted done) {
                    completed = done;
                }
            }
            if (completed != null) {
                break;
            }
            MetricComputed metric = measure(pending.removeFirst());
            Transition next = ExperimentStateMachine.onMetric(state, metric);
            Transition repeated = ExperimentStateMachine.onMetric(next.state(), metric);
            assertTrue(repeated.events().stream().noneMatch(e -> e instanceof TrainRequested),
                    "a repeated metric must not advance the search again");
            state = Json.read(Json.toBytes(next.state()), ExperimentState.class);
            events = next.events();
        }
        assertEquals("above_max", completed.result().status());
        assertEquals(80, completed.result().emm());
        assertEquals(List.of(10, 20, 40, 80), completed.result().points().stream().map(p -> p.size()).toList());
        assertTrue(completed.result().points().stream().allMatch(p -> p.ratio() >= 0.95),
                completed.result().points().toString());
    }

    @Test
    void resumeAsksAgainForUnfinishedRunsOnly() {
        Transition started = ExperimentStateMachine.start("exp2", optimumSpec(10, 80));
        List<Object> resumed = ExperimentStateMachine.resume(started.state());
        assertEquals(1, resumed.size());
        assertEquals("exp2-n10-s0", ((TrainRequested) resumed.get(0)).run().runId());
        Transition measured = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(((TrainRequested) resumed.get(0)).run(), 1, true, MemorizationSummary.of(60, 60), "k"));
        List<Object> afterFirst = ExperimentStateMachine.resume(measured.state());
        assertEquals(20, ((TrainRequested) afterFirst.get(0)).run().size());
    }

    @Test
    void aRunIsCompleteOnlyWhenEverySnapshotIsMeasuredAndItsRatioIsTheBest() {
        Transition started = ExperimentStateMachine.start("exp3", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition second = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(run, 2, true, MemorizationSummary.of(30, 60), "k"));
        assertTrue(second.events().stream().noneMatch(e -> e instanceof TrainRequested), "snapshot 1 still missing");
        Transition first = ExperimentStateMachine.onMetric(second.state(),
                MetricComputed.of(run, 1, false, MemorizationSummary.of(57, 60), "k"));
        assertEquals(0.95, first.state().points().get(0).ratio(), 1e-12);
        assertTrue(first.events().stream().anyMatch(e -> e instanceof TrainRequested r && r.run().size() == 20));
    }

    @Test
    void aFailedRunFailsTheExperimentWithItsReason() {
        Transition started = ExperimentStateMachine.start("exp4", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition failed = ExperimentStateMachine.onRunFailed(started.state(), RunFailed.of(run, "train", "no dataset"));
        ExperimentCompleted completed = (ExperimentCompleted) failed.events().get(1);
        assertEquals("failed", completed.result().status());
        assertTrue(completed.result().message().contains("no dataset"));
    }

    @Test
    void aCompletionNotYetAcknowledgedIsAnnouncedAgainAfterARestartAndOnlyThen() {
        Transition started = ExperimentStateMachine.start("exp5", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        ExperimentState finished = ExperimentStateMachine.onRunFailed(started.state(),
                RunFailed.of(run, "train", "no dataset")).state();
        ExperimentState restored = Json.read(Json.toBytes(finished), ExperimentState.class);
        List<Object> resumed = ExperimentStateMachine.resume(restored);
        assertEquals(1, resumed.size(), "persisted as finished, crashed before the broker acknowledged");
        assertEquals(finished.result(), ((ExperimentCompleted) resumed.get(0)).result());

        ExperimentState announced = ExperimentStateMachine.completionAnnounced(restored);
        assertEquals(List.of(), ExperimentStateMachine.resume(Json.read(Json.toBytes(announced), ExperimentState.class)));

        String legacy = new String(Json.toBytes(finished)).replace(",\"completionAnnounced\":false", "");
        assertTrue(!legacy.contains("completionAnnounced"), legacy);
        assertEquals(List.of(), ExperimentStateMachine.resume(Json.read(legacy.getBytes(), ExperimentState.class)),
                "a state written before the field existed was announced by the old code");
    }
}
