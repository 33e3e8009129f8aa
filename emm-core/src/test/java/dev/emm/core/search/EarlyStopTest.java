package dev.emm.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.search.EarlyStop.Decision;
import dev.emm.core.search.EarlyStop.Verdict;
import dev.emm.core.spec.EarlyStopRule;
import dev.emm.core.spec.SearchSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EarlyStopTest {

    private static final int SAMPLES = 256;

    private static SearchSpec search(EarlyStopRule earlyStop, int plateauSnapshots) {
        return new SearchSpec(0.1, 16, 1024, 1.0, 1, 8.0, earlyStop, plateauSnapshots);
    }

    /** Snapshot i (1-based) memorizes counts[i - 1] of 256 samples. */
    private static Map<Integer, MemorizationSummary> curve(int... memorizedOf256) {
        Map<Integer, MemorizationSummary> snapshots = new TreeMap<>();
        for (int i = 0; i < memorizedOf256.length; i++) {
            snapshots.put(i + 1, MemorizationSummary.of(memorizedOf256[i], SAMPLES));
        }
        return snapshots;
    }

    /** The first prefix of the curve at which the rule decides, as a measured run would meet it. */
    private static Optional<Decision> firstDecision(SearchSpec search, Map<Integer, MemorizationSummary> curve) {
        Map<Integer, MemorizationSummary> measured = new TreeMap<>();
        for (var entry : curve.entrySet()) {
            measured.put(entry.getKey(), entry.getValue());
            Optional<Decision> decision = EarlyStop.decide(search, measured);
            if (decision.isPresent()) {
                return decision;
            }
        }
        return Optional.empty();
    }

    @Test
    void theDefaultPresetsSmallestSizeIsDecidedAtItsSecondOfThreeSnapshots() {
        // |D| = 16 in the default run: 0.965 (247 of 256) at snapshot 2, Wilson interval [0.935, 0.981].
        Map<Integer, MemorizationSummary> run16 = curve(150, 247, 250);
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 2)), firstDecision(search(EarlyStopRule.RATIO, 0), run16));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 2)), firstDecision(search(EarlyStopRule.CI_LOW, 0), run16));
        assertEquals(Optional.empty(), firstDecision(search(EarlyStopRule.OFF, 0), run16));
    }

    @Test
    void theWilsonLowerBoundWaitsForConfidenceWhereTheRatioStopsAtOnce() {
        // 0.906 (232 of 256) reaches 0.9, its lower bound 0.864 does not; 0.953 (244) has lower bound 0.919.
        Map<Integer, MemorizationSummary> run45 = curve(120, 200, 232, 238, 244);
        assertEquals(0.864, run45.get(3).ciLow(), 0.001);
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 3)), firstDecision(search(EarlyStopRule.RATIO, 0), run45));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 5)), firstDecision(search(EarlyStopRule.CI_LOW, 0), run45));
    }

    @Test
    void aRatioOfExactlyOneMinusEpsMemorizes() {
        SearchSpec search = new SearchSpec(0.1, 10, 640, 0.25, 1, 2.0, EarlyStopRule.RATIO, 0);
        Map<Integer, MemorizationSummary> exact = Map.of(1, MemorizationSummary.of(90, 100));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 1)), EarlyStop.decide(search, exact));
        Map<Integer, MemorizationSummary> below = Map.of(1, MemorizationSummary.of(89, 100));
        assertEquals(Optional.empty(), EarlyStop.decide(search, below));
    }

    @Test
    void aPlateauBelowTheLineIsDecidedNotMemorizingOnlyWhenTheRuleIsOn() {
        // 0.703, 0.723, 0.711: the later two stay inside the first's interval [0.645, 0.755].
        Map<Integer, MemorizationSummary> flat = curve(180, 185, 182, 183);
        assertEquals(Optional.of(new Decision(Verdict.NOT_MEMORIZING, 3)), firstDecision(search(EarlyStopRule.RATIO, 3), flat));
        assertEquals(Optional.of(new Decision(Verdict.NOT_MEMORIZING, 2)), firstDecision(search(EarlyStopRule.RATIO, 2), flat));
        assertEquals(Optional.empty(), firstDecision(search(EarlyStopRule.RATIO, 0), flat));
    }

    @Test
    void aCurveStillRisingBeyondItsIntervalsIsNotAPlateau() {
        // The default run's |D| = 128 rose 0.000, 0.004, 0.027, ... to 0.285 at its last snapshot.
        Map<Integer, MemorizationSummary> rising = curve(0, 1, 7, 20, 40, 73);
        assertEquals(Optional.empty(), firstDecision(search(EarlyStopRule.RATIO, 3), rising));
        // 0.500, 0.547, 0.598, 0.602, 0.605: 0.598 leaves the first interval [0.439, 0.561]; from the second on it is flat.
        Map<Integer, MemorizationSummary> slowing = curve(128, 140, 153, 154, 155);
        assertEquals(Optional.of(new Decision(Verdict.NOT_MEMORIZING, 4)), firstDecision(search(EarlyStopRule.RATIO, 3), slowing));
    }

    @Test
    void aRunThatReachedTheLineOnceIsNeverDecidedNotMemorizing() {
        // With early stop off the run memorizes by its best snapshot; the plateau rule must not fire after it.
        Map<Integer, MemorizationSummary> peaked = curve(232, 200, 201, 200);
        assertEquals(Optional.empty(), firstDecision(search(EarlyStopRule.OFF, 3), peaked));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 1)), firstDecision(search(EarlyStopRule.RATIO, 3), peaked));
    }

    @Test
    void aSnapshotDecidesMemorizingOnlyOnceEveryEarlierSnapshotIsMeasured() {
        // Sequential sampling: snapshot 2 still draws more samples while 3 and 4 (0.938, 0.941) arrive.
        SearchSpec search = search(EarlyStopRule.RATIO, 3);
        Map<Integer, MemorizationSummary> measured = new TreeMap<>(Map.of(1, MemorizationSummary.of(100, SAMPLES),
                3, MemorizationSummary.of(240, SAMPLES), 4, MemorizationSummary.of(241, SAMPLES)));
        assertEquals(Optional.empty(), EarlyStop.decide(search, measured), "snapshot 2 may still be the first to reach 0.9");
        measured.put(2, MemorizationSummary.of(236, SAMPLES));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 2)), EarlyStop.decide(search, measured),
                "0.922 at the full count: snapshot 2 decides, as it would have in order");
        measured.put(2, MemorizationSummary.of(20, 64));
        assertEquals(Optional.of(new Decision(Verdict.MEMORIZING, 3)), EarlyStop.decide(search, measured),
                "snapshot 2 stopped below the line after 64 samples: snapshot 3 decides");
        Map<Integer, MemorizationSummary> plateauWithGap = new TreeMap<>(curve(180, 185, 182));
        plateauWithGap.remove(2);
        assertEquals(Optional.empty(), EarlyStop.decide(search, plateauWithGap),
                "a window with an unmeasured snapshot decides nothing");
    }

    /**
     * With the plateau rule off, stopping on the ratio decides "memorizing" exactly for the runs whose
     * full-length best ratio reaches 1 - eps: the search sees the same verdict for every size, so the
     * bracket cannot change. Random curves of 1 to 12 snapshots, 20,000 runs.
     */
    @Test
    void stoppingOnTheRatioNeverChangesARunsVerdict() {
        Random random = new Random(12);
        SearchSpec search = search(EarlyStopRule.RATIO, 0);
        for (int trial = 0; trial < 20_000; trial++) {
            int[] counts = new int[1 + random.nextInt(12)];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = 180 + random.nextInt(77);
            }
            Map<Integer, MemorizationSummary> run = curve(counts);
            boolean fullRunMemorizes = run.values().stream().anyMatch(s -> s.ratio() >= search.threshold());
            Optional<Decision> stopped = firstDecision(search, run);
            assertEquals(fullRunMemorizes, stopped.isPresent(), run.toString());
            stopped.ifPresent(decision -> assertEquals(Verdict.MEMORIZING, decision.verdict()));
        }
    }
}
