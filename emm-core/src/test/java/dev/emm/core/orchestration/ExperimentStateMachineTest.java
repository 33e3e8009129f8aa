package dev.emm.core.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunCancelled;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.StageTime;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.metric.SequentialSampling;
import dev.emm.core.optimum.OptimalDenoiser;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import dev.emm.core.spec.EarlyStopRule;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class ExperimentStateMachineTest {

    private static ExperimentSpec optimumSpec(int min, int max) {
        return SpecValidator.validated(Json.readStrict("""
                {"name": "optimum", "data": {"dataset": "mnist", "resolution": 8, "classes": 10, "labelMode": "none"},
                 "model": {"kind": "optimum"}, "sampling": {"sampleCount": 60, "batchSize": 60},
                 "search": {"minSize": %d, "maxSize": %d, "growthFactor": 2.0}}""".formatted(min, max),
                ExperimentSpec.class));
    }

    /** Trains (optimum), samples and measures one run with the real core science. */
    private static MetricComputed measure(TrainRequested request) {
        TrainingSubset subset = TrainingSubset.materialize(TestData.mnist(), request.run().spec().data(),
                request.run().size());
        ImageSet samples = new EdmHeunSampler(request.run().spec().sampling())
                .sampleAll(new OptimalDenoiser(subset.images(), subset.labelDim()), 1, 8, done -> { });
        MemorizationSummary summary = MemorizationMetric.nearestTwo(samples, subset.images()).summary();
        return MetricComputed.of(request.run(), 1, true, summary, "unused", null, null);
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
        assertEquals(ExperimentStatus.ABOVE_MAX, completed.result().status());
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
                MetricComputed.of(((TrainRequested) resumed.get(0)).run(), 1, true, MemorizationSummary.of(60, 60), "k",
                        null, null));
        List<Object> afterFirst = ExperimentStateMachine.resume(measured.state());
        assertEquals(20, ((TrainRequested) afterFirst.get(0)).run().size());
    }

    @Test
    void aRunIsCompleteOnlyWhenEverySnapshotIsMeasuredAndItsRatioIsTheBest() {
        Transition started = ExperimentStateMachine.start("exp3", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition second = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(run, 2, true, MemorizationSummary.of(30, 60), "k", null, null));
        assertTrue(second.events().stream().noneMatch(e -> e instanceof TrainRequested), "snapshot 1 still missing");
        Transition first = ExperimentStateMachine.onMetric(second.state(),
                MetricComputed.of(run, 1, false, MemorizationSummary.of(57, 60), "k", null, null));
        assertEquals(0.95, first.state().points().get(0).ratio(), 1e-12);
        assertTrue(first.events().stream().anyMatch(e -> e instanceof TrainRequested r && r.run().size() == 20));
    }

    @Test
    void eachSnapshotsSamplingAndMetricTimesAreAddedOnceAndARepeatAddsNothing() {
        Transition started = ExperimentStateMachine.start("exp7", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition first = ExperimentStateMachine.onMetric(started.state(), MetricComputed.of(run, 1, false,
                MemorizationSummary.of(30, 60), "k", new StageTime(2.5, 9), new StageTime(0.5, 1.25)));
        Transition repeated = ExperimentStateMachine.onMetric(first.state(), MetricComputed.of(run, 1, false,
                MemorizationSummary.of(30, 60), "k", new StageTime(0.01, 0.02), new StageTime(0.01, 0.02)));
        Transition unrecorded = ExperimentStateMachine.onMetric(repeated.state(), MetricComputed.of(run, 2, false,
                MemorizationSummary.of(31, 60), "k", null, null));
        Transition last = ExperimentStateMachine.onMetric(unrecorded.state(), MetricComputed.of(run, 3, true,
                MemorizationSummary.of(32, 60), "k", new StageTime(3, 10), new StageTime(1, 2)));
        RunRecord record = last.state().runs().get(10);
        assertEquals(new StageTime(5.5, 19), record.sampling());
        assertEquals(new StageTime(1.5, 3.25), record.metric());
        assertEquals(record, Json.read(Json.toBytes(last.state()), ExperimentState.class).runs().get(10));
        assertEquals(null, started.state().runs().get(10).sampling(), "nothing recorded yet");
    }

    @Test
    void aFailedRunFailsTheExperimentWithItsReason() {
        Transition started = ExperimentStateMachine.start("exp4", optimumSpec(10, 80));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition failed = ExperimentStateMachine.onRunFailed(started.state(), RunFailed.of(run, "train", "no dataset"));
        ExperimentCompleted completed = (ExperimentCompleted) failed.events().get(1);
        assertEquals(ExperimentStatus.FAILED, completed.result().status());
        assertTrue(completed.result().message().contains("no dataset"));
    }

    @Test
    void aFailedRunCancelsTheOtherRunsOfItsRoundStillInTrainingAndARestartCancelsThemAgain() {
        ExperimentSpec spec = SpecValidator.validated(Json.readStrict("""
                {"name": "optimum", "data": {"dataset": "mnist", "resolution": 8, "classes": 10, "labelMode": "none"},
                 "model": {"kind": "optimum"}, "sampling": {"sampleCount": 60, "batchSize": 60},
                 "search": {"minSize": 10, "maxSize": 80, "growthFactor": 2.0, "parallelProbes": 3}}""",
                ExperimentSpec.class));
        Transition started = ExperimentStateMachine.start("exp9", spec);
        RunRef first = ((TrainRequested) started.events().get(0)).run();
        Transition measured = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(first, 1, true, MemorizationSummary.of(60, 60), "k", null, null));
        assertEquals(List.of(13, 16, 20), measured.state().probing());
        List<RunRef> round = measured.events().stream().filter(TrainRequested.class::isInstance)
                .map(e -> ((TrainRequested) e).run()).toList();
        Transition oneDone = ExperimentStateMachine.onMetric(measured.state(),
                MetricComputed.of(round.get(2), 1, true, MemorizationSummary.of(60, 60), "k", null, null));
        assertTrue(oneDone.events().stream().noneMatch(TrainRequested.class::isInstance), "13 and 16 still training");

        Transition failed = ExperimentStateMachine.onRunFailed(oneDone.state(), RunFailed.of(round.get(0), "train", "oom"));
        assertEquals(ExperimentStatus.FAILED, failed.state().status());
        RunCancelled other = RunCancelled.of("exp9", "exp9-n16-s0", 16, RunCancelled.EXPERIMENT_FAILED, null);
        assertEquals(List.of(other), failed.events().stream().filter(RunCancelled.class::isInstance).toList(),
                "only the run still training: 20 has its result, 13 is the one that failed");
        ExperimentCompleted completed = (ExperimentCompleted) failed.events().get(failed.events().size() - 1);
        assertEquals("run exp9-n13-s0 failed in train: oom", completed.result().message());

        ExperimentState restored = Json.read(Json.toBytes(failed.state()), ExperimentState.class);
        assertEquals(List.of(other, completed), ExperimentStateMachine.resume(restored),
                "restarted before the broker acknowledged: the other run is cancelled again");
        assertEquals(List.of(), ExperimentStateMachine.onRunFailed(failed.state(),
                RunFailed.of(round.get(1), "train", "oom too")).events(), "a later failure changes nothing");
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

    /** The default preset's search with the given early-stop settings. */
    private static ExperimentSpec smallPreset(String earlyStop, Integer plateauSnapshots) {
        return SpecValidator.validated(Json.readStrict("""
                {"preset": "small-ddpmpp-mnist", "search": {"earlyStop": %s, "plateauSnapshots": %s}}"""
                .formatted(earlyStop == null ? "null" : "\"" + earlyStop + "\"", plateauSnapshots), ExperimentSpec.class));
    }

    /**
     * Per-snapshot memorized counts of 256 samples for each size the default search probes, shaped
     * on the default run's measured bests (README: |D| = 16: 0.965 at its 2nd of 3 snapshots, 45:
     * 0.906, 76: 0.773, 128: 0.285); 16 trains 3 snapshots, 27 trains 5, 45 trains 8, 76 and 128
     * train 10 (2,500 steps at batch min(64, |D|), a snapshot every 16,000 images and one at the end).
     */
    private static final Map<Integer, int[]> DEFAULT_RUN_CURVES = Map.of(
            16, new int[] {150, 247, 250},
            27, new int[] {100, 200, 240, 245, 250},
            45, new int[] {150, 190, 210, 218, 222, 224, 232, 230},
            76, new int[] {10, 40, 90, 130, 160, 175, 185, 190, 196, 198},
            128, new int[] {0, 1, 7, 20, 40, 55, 60, 66, 70, 73});

    private record Outcome(ExperimentCompleted completed, Map<Integer, Integer> snapshotsMeasured,
            List<RunCancelled> cancelled, long samplesDrawn) {
    }

    /** Drives the state machine, each snapshot measured on all 256 samples. */
    private static Outcome runDefaultSearch(ExperimentSpec spec) {
        return runDefaultSearch(spec, memorizedOf256 -> MemorizationSummary.of(memorizedOf256, 256));
    }

    /**
     * Drives the state machine, delivering each run's snapshot metrics in order until the run is
     * cancelled; {@code measure} turns a snapshot's memorized count of 256 into the summary it reports.
     */
    private static Outcome runDefaultSearch(ExperimentSpec spec, IntFunction<MemorizationSummary> measure) {
        Transition transition = ExperimentStateMachine.start("default", spec);
        ExperimentState state = transition.state();
        Deque<Object> events = new ArrayDeque<>(transition.events());
        Map<Integer, Integer> measured = new java.util.TreeMap<>();
        List<RunCancelled> cancelled = new java.util.ArrayList<>();
        long samplesDrawn = 0;
        while (!events.isEmpty()) {
            Object event = events.removeFirst();
            if (event instanceof ExperimentCompleted done) {
                return new Outcome(done, measured, cancelled, samplesDrawn);
            }
            if (event instanceof RunCancelled cancellation) {
                cancelled.add(cancellation);
            }
            if (!(event instanceof TrainRequested request)) {
                continue;
            }
            int[] curve = DEFAULT_RUN_CURVES.get(request.run().size());
            for (int snapshot = 1; snapshot <= curve.length; snapshot++) {
                int size = request.run().size();
                if (cancelled.stream().anyMatch(c -> c.size() == size)) {
                    break;
                }
                measured.merge(size, 1, Integer::sum);
                MemorizationSummary summary = measure.apply(curve[snapshot - 1]);
                samplesDrawn += summary.sampleCount();
                Transition next = ExperimentStateMachine.onMetric(state, MetricComputed.of(request.run(), snapshot,
                        snapshot == curve.length, summary, "k", null, null));
                state = Json.read(Json.toBytes(next.state()), ExperimentState.class);
                next.events().stream().filter(RunCancelled.class::isInstance).map(RunCancelled.class::cast)
                        .forEach(cancelled::add);
                next.events().stream().filter(e -> !(e instanceof RunCancelled)).forEach(events::addLast);
            }
        }
        throw new AssertionError("the search did not finish");
    }

    @Test
    void earlyStopOnTheRatioKeepsTheDefaultBracketAndCancelsTheRunsItDecided() {
        Outcome full = runDefaultSearch(smallPreset("off", 0));
        Outcome early = runDefaultSearch(smallPreset("ratio", 0));
        assertEquals(List.of(45, 76), full.completed().result().bracket());
        assertEquals(full.completed().result().bracket(), early.completed().result().bracket());
        assertEquals(Map.of(16, 3, 45, 8, 76, 10, 128, 10), full.snapshotsMeasured());
        assertEquals(Map.of(16, 2, 45, 7, 76, 10, 128, 10), early.snapshotsMeasured());
        assertEquals(List.of(), full.cancelled());
        assertEquals(List.of(RunCancelled.of("default", "default-n16-s0", 16, RunCancelled.MEMORIZING, 2),
                RunCancelled.of("default", "default-n45-s0", 45, RunCancelled.MEMORIZING, 7)), early.cancelled());
        assertEquals(247 / 256.0, early.completed().result().points().get(0).ratio(), 1e-12,
                "a stopped run reports the snapshot it was decided on");
        assertEquals(250 / 256.0, full.completed().result().points().get(0).ratio(), 1e-12);
    }

    @Test
    void thePlateauRuleCanMoveTheDefaultBracketSoTheDefaultPresetLeavesItOff() {
        assertEquals(0, smallPreset(null, null).search().plateauSnapshots());
        assertEquals(EarlyStopRule.RATIO, smallPreset(null, null).search().earlyStop());
        // |D| = 45 measures 0.852 [0.803, 0.890], then 0.867 and 0.875, both inside that interval: a
        // 3-snapshot plateau rule stops it at snapshot 6, before its 0.906 at snapshot 7, so the search
        // bisects below 45 and the bracket becomes [27, 45) instead of [45, 76).
        Outcome plateau = runDefaultSearch(smallPreset("ratio", 3));
        assertEquals(List.of(27, 45), plateau.completed().result().bracket());
        assertTrue(plateau.cancelled().contains(RunCancelled.of("default", "default-n45-s0", 45,
                RunCancelled.NOT_MEMORIZING, 6)), plateau.cancelled().toString());
    }

    /** The default preset with sequential sampling from 64 of its 256 samples. */
    private static ExperimentSpec sequentialPreset() {
        return SpecValidator.validated(Json.readStrict("""
                {"preset": "small-ddpmpp-mnist", "sampling": {"sequentialFirstCount": 64}}""", ExperimentSpec.class));
    }

    /**
     * A snapshot whose 256 samples memorize {@code memorizedOf256} (in an order drawn from {@code random}),
     * measured as sequential sampling measures it: the first 64, then 128, then 256 while undecided.
     */
    private static MemorizationSummary sequentially(SequentialSampling rule, int memorizedOf256, Random random) {
        boolean[] memorized = new boolean[256];
        Arrays.fill(memorized, 0, memorizedOf256, true);
        for (int i = memorized.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            boolean swap = memorized[i];
            memorized[i] = memorized[j];
            memorized[j] = swap;
        }
        int drawn = rule.firstCount();
        while (true) {
            int count = 0;
            for (int i = 0; i < drawn; i++) {
                count += memorized[i] ? 1 : 0;
            }
            int next = rule.nextCount(drawn, count);
            if (next == drawn) {
                return MemorizationSummary.of(count, drawn);
            }
            drawn = next;
        }
    }

    @Test
    void sequentialSamplingKeepsTheDefaultBracketAndItsDecisionsAndDrawsAThirdOfTheSamples() {
        ExperimentSpec spec = sequentialPreset();
        assertEquals(null, smallPreset(null, null).sampling().sequentialFirstCount(), "off unless a spec turns it on");
        SequentialSampling rule = SequentialSampling.of(spec);
        assertEquals(new SequentialSampling(64, 256, 0.9), rule);
        Outcome full = runDefaultSearch(smallPreset("ratio", 0));
        assertEquals(29 * 256, full.samplesDrawn(), "16: 2 snapshots, 45: 7, 76: 10, 128: 10");
        long drawn = 0;
        int orders = 100;
        for (int order = 0; order < orders; order++) {
            Random random = new Random(order);
            Outcome sequential = runDefaultSearch(spec, memorized -> sequentially(rule, memorized, random));
            assertEquals(full.completed().result().bracket(), sequential.completed().result().bracket());
            assertEquals(full.cancelled(), sequential.cancelled(), "the same runs decided at the same snapshots");
            assertEquals(full.snapshotsMeasured(), sequential.snapshotsMeasured());
            List<SizePoint> fullPoints = full.completed().result().points();
            List<SizePoint> points = sequential.completed().result().points();
            for (int i = 0; i < points.size(); i++) {
                if (fullPoints.get(i).ratio() >= 0.9) {
                    assertEquals(fullPoints.get(i), points.get(i), "a memorizing size reports its full-count ratio");
                } else {
                    assertTrue(points.get(i).ratio() < 0.9, points.get(i).toString());
                }
            }
            drawn += sequential.samplesDrawn();
        }
        double share = (double) drawn / orders / full.samplesDrawn();
        System.out.printf(Locale.ROOT, "default preset's search: %d samples at the full count, %.0f sequentially "
                + "(%.3f), over %d orders of each snapshot's samples%n", full.samplesDrawn(), (double) drawn / orders,
                share, orders);
        assertTrue(share > 0.3 && share < 0.4, "share of the samples drawn " + share);
    }

    @Test
    void aSnapshotStillSamplingHoldsBackALaterOneThatMemorizes() {
        Transition started = ExperimentStateMachine.start("exp9", sequentialPreset());
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition first = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(run, 1, false, MemorizationSummary.of(20, 64), "k", null, null));
        // snapshot 2 is still drawing more samples when snapshot 3 (0.977 of 256) arrives
        Transition third = ExperimentStateMachine.onMetric(first.state(),
                MetricComputed.of(run, 3, false, MemorizationSummary.of(250, 256), "k", null, null));
        assertTrue(third.events().stream().noneMatch(RunCancelled.class::isInstance), third.events().toString());
        assertTrue(!third.state().runs().get(16).complete());
        Transition second = ExperimentStateMachine.onMetric(third.state(),
                MetricComputed.of(run, 2, false, MemorizationSummary.of(236, 256), "k", null, null));
        assertEquals(RunCancelled.of("exp9", run.runId(), 16, RunCancelled.MEMORIZING, 2), second.events().get(0));
        assertEquals(236 / 256.0, second.state().points().get(0).ratio(), 1e-12,
                "the run reports its deciding snapshot, not the later one that arrived first");
        assertEquals(2, second.state().runs().get(16).bestSnapshot().orElseThrow());
        assertEquals(3, second.state().runs().get(16).snapshots().size(), "the later snapshot stays recorded");
    }

    @Test
    void aMetricForADecidedRunChangesNothing() {
        Transition started = ExperimentStateMachine.start("exp6", smallPreset("ratio", 0));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition decided = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(run, 1, false, MemorizationSummary.of(240, 256), "k", null, null));
        assertEquals(RunCancelled.of("exp6", run.runId(), 16, RunCancelled.MEMORIZING, 1), decided.events().get(0));
        assertTrue(decided.events().stream().anyMatch(e -> e instanceof TrainRequested r && r.run().size() == 128));
        Transition late = ExperimentStateMachine.onMetric(decided.state(),
                MetricComputed.of(run, 2, false, MemorizationSummary.of(256, 256), "k", null, null));
        assertEquals(List.of(), late.events());
        assertEquals(decided.state(), late.state());
        List<Object> resumed = ExperimentStateMachine.resume(decided.state());
        assertEquals(RunCancelled.of("exp6", run.runId(), 16, RunCancelled.MEMORIZING, 1), resumed.get(0),
                "a restart sends the cancellation again, in case it was never published");
        assertEquals(128, ((TrainRequested) resumed.get(1)).run().size());
    }

    @Test
    void aRunDecidedAtItsLastSnapshotIsNotCancelled() {
        Transition started = ExperimentStateMachine.start("exp7", smallPreset("ratio", 0));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition last = ExperimentStateMachine.onMetric(started.state(),
                MetricComputed.of(run, 1, true, MemorizationSummary.of(240, 256), "k", null, null));
        assertTrue(last.events().stream().noneMatch(RunCancelled.class::isInstance), last.events().toString());
    }

    @Test
    void cancellingAnExperimentCancelsItsRunningRunsOnceAndIgnoresLaterMetrics() {
        Transition started = ExperimentStateMachine.start("exp8", smallPreset("ratio", 0));
        var run = ((TrainRequested) started.events().get(0)).run();
        Transition cancelled = ExperimentStateMachine.cancel(started.state());
        assertEquals(ExperimentStatus.CANCELLED, cancelled.state().status());
        assertEquals(RunCancelled.of("exp8", run.runId(), 16, RunCancelled.EXPERIMENT_CANCELLED, null),
                cancelled.events().get(0));
        ExperimentCompleted completed = (ExperimentCompleted) cancelled.events().get(2);
        assertEquals(ExperimentStatus.CANCELLED, completed.result().status());
        assertEquals(null, completed.result().emm());

        assertEquals(List.of(), ExperimentStateMachine.cancel(cancelled.state()).events(), "a repeated cancel");
        assertEquals(List.of(), ExperimentStateMachine.onMetric(cancelled.state(),
                MetricComputed.of(run, 1, false, MemorizationSummary.of(240, 256), "k", null, null)).events());
        ExperimentState restored = Json.read(Json.toBytes(cancelled.state()), ExperimentState.class);
        assertEquals(List.of(cancelled.events().get(0), completed), ExperimentStateMachine.resume(restored),
                "restarted before the broker acknowledged: the run is cancelled and the end announced again");
        assertEquals(List.of(), ExperimentStateMachine.resume(ExperimentStateMachine.completionAnnounced(restored)));
    }

    @Test
    void anExperimentThatCannotBeResumedFailsWithTheReasonAndKeepsItsPoints() {
        ExperimentState running = ExperimentStateMachine.start("stuck", optimumSpec(10, 80)).state();
        Transition failed = ExperimentStateMachine.failOnResume(running, "could not be resumed: too large");
        assertEquals(ExperimentStatus.FAILED, failed.state().status());
        assertEquals("could not be resumed: too large", failed.state().result().message());
        assertEquals(List.of(), failed.state().probing());
        assertEquals(2, failed.events().size());
        assertTrue(failed.events().get(1) instanceof ExperimentCompleted completed
                && completed.result().status() == ExperimentStatus.FAILED);
        assertTrue(ExperimentStateMachine.resume(failed.state()).stream().noneMatch(TrainRequested.class::isInstance));

        Transition again = ExperimentStateMachine.failOnResume(failed.state(), "refused once more");
        assertEquals(List.of(), again.events(), "a finished experiment keeps its result");
        assertEquals("could not be resumed: too large", again.state().result().message());
        assertEquals(List.of(), ExperimentStateMachine.resume(again.state()), "and is not announced again");
    }

    @Test
    void anUnreadableStateIsReplacedByAFailedOneThatRoundTrips() {
        Transition unreadable = ExperimentStateMachine.unreadable("garbled", "malformed JSON at $");
        ExperimentState state = Json.read(Json.toBytes(unreadable.state()), ExperimentState.class);
        assertEquals(ExperimentStatus.FAILED, state.status());
        assertEquals("malformed JSON at $", state.result().message());
        assertEquals(null, state.spec());
        assertTrue(state.awaitsAnnouncement());
        assertEquals(1, ExperimentStateMachine.resume(state).size(), "its completion is announced again after a restart");
    }
}
