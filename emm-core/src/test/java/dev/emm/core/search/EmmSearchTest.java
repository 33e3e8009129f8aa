package dev.emm.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.emm.core.spec.SearchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class EmmSearchTest {

    private record Run(SearchDecision.Finished finished, List<Integer> probed, int rounds) {
    }

    private static Run runSearch(SearchSpec search, IntToDoubleFunction ratioOf) {
        Map<Integer, Double> ratios = new TreeMap<>();
        List<Integer> probed = new ArrayList<>();
        for (int round = 1; round <= 1000; round++) {
            SearchDecision decision = EmmSearch.decide(search, ratios);
            if (decision instanceof SearchDecision.Finished finished) {
                return new Run(finished, probed, round - 1);
            }
            for (int size : ((SearchDecision.Probe) decision).sizes()) {
                assertTrue(!ratios.containsKey(size), "size " + size + " probed twice");
                assertTrue(size >= search.minSize() && size <= search.maxSize(), "size " + size + " out of range");
                probed.add(size);
                ratios.put(size, ratioOf.applyAsDouble(size));
            }
        }
        fail("search did not terminate");
        return null;
    }

    private static IntToDoubleFunction step(int crossing) {
        return size -> size < crossing ? 0.97 : 0.4;
    }

    private static int log2Ceil(double x) {
        return (int) Math.ceil(Math.log(x) / Math.log(2) - 1e-12);
    }

    @Test
    void findsTheExactBracketOnMonotoneCurvesWithinTheProbeBound() {
        for (double precision : new double[] {0.05, 0.1, 0.25, 0.5, 1.0}) {
            for (int crossing = 11; crossing <= 640; crossing++) {
                SearchSpec search = new SearchSpec(0.1, 10, 640, precision, 1, 2.0);
                Run run = runSearch(search, step(crossing));
                SearchDecision.Finished finished = run.finished();
                assertEquals(SearchOutcome.BRACKETED, finished.outcome(), "crossing " + crossing);
                int lo = finished.largestMemorizing();
                int hi = finished.smallestNotMemorizing();
                assertTrue(lo < crossing && crossing <= hi, "bracket [" + lo + "," + hi + "] misses " + crossing);
                assertTrue(hi - lo <= 1 || hi <= lo * (1 + precision), "bracket too wide " + lo + ".." + hi);
                assertTrue(run.probed().contains(lo) && run.probed().contains(hi));
                for (int size : run.probed()) {
                    assertTrue(size <= 2 * crossing, "probed " + size + " above twice the crossing " + crossing);
                }
                int bound = log2Ceil((double) crossing / 10) + log2Ceil(1 / (Math.log(1 + precision) / Math.log(2))) + 2;
                assertTrue(run.probed().size() <= bound, "crossing " + crossing + " precision " + precision + ": "
                        + run.probed().size() + " probes " + run.probed() + " > bound " + bound);
            }
        }
    }

    @Test
    void parallelProbesKeepTheBracketExactAndNeverOvershoot() {
        for (int parallel : new int[] {2, 3, 4, 8}) {
            for (int crossing = 11; crossing <= 1000; crossing += 7) {
                SearchSpec search = new SearchSpec(0.1, 10, 1000, 0.1, parallel, 2.0);
                Run run = runSearch(search, step(crossing));
                int lo = run.finished().largestMemorizing();
                int hi = run.finished().smallestNotMemorizing();
                assertTrue(lo < crossing && crossing <= hi);
                assertTrue(hi - lo <= 1 || hi <= lo * 1.1);
                int overshootLimit = 2 * crossing;
                assertTrue(run.probed().stream().allMatch(size -> size <= overshootLimit));
                Run serial = runSearch(new SearchSpec(0.1, 10, 1000, 0.1, 1, 2.0), step(crossing));
                assertTrue(run.rounds() <= serial.rounds(), "parallel search took more rounds than serial");
            }
        }
    }

    @Test
    void aLargerGrowthFactorKeepsTheBracketExactAndOvershootsByAtMostThatFactor() {
        for (double growth : new double[] {1.5, 3.0, 4.0, 8.0}) {
            for (int parallel : new int[] {1, 2}) {
                for (int crossing = 11; crossing <= 1000; crossing += 3) {
                    SearchSpec search = new SearchSpec(0.1, 10, 1000, 1.0, parallel, growth);
                    Run run = runSearch(search, step(crossing));
                    int lo = run.finished().largestMemorizing();
                    int hi = run.finished().smallestNotMemorizing();
                    assertTrue(lo < crossing && crossing <= hi, "growth " + growth + ": [" + lo + "," + hi + "] misses " + crossing);
                    assertTrue(hi - lo <= 1 || hi <= 2 * lo, "bracket wider than precision 1.0: " + lo + ".." + hi);
                    double overshootLimit = growth * crossing + 1;
                    assertTrue(run.probed().stream().allMatch(size -> size <= overshootLimit),
                            "growth " + growth + " probed " + run.probed() + " for crossing " + crossing);
                }
            }
        }
    }

    @Test
    void growthFactorEightJumpsPastTheTransitionThenBisects() {
        SearchSpec search = new SearchSpec(0.1, 16, 1024, 1.0, 1, 8.0);
        Run run = runSearch(search, size -> size <= 40 ? 0.95 : size < 100 ? 0.8 : 0.2);
        assertEquals(List.of(16, 128, 45, 27), run.probed());
        assertEquals(27, run.finished().largestMemorizing());
        assertEquals(45, run.finished().smallestNotMemorizing());
    }

    @Test
    void reportsAboveMaxAndBelowMin() {
        SearchSpec search = new SearchSpec(0.1, 10, 640, 0.25, 1, 2.0);
        Run above = runSearch(search, size -> 1.0);
        assertEquals(SearchOutcome.ABOVE_MAX, above.finished().outcome());
        assertEquals(640, above.finished().largestMemorizing());
        assertEquals(null, above.finished().smallestNotMemorizing());
        assertEquals(List.of(10, 20, 40, 80, 160, 320, 640), above.probed());

        Run below = runSearch(search, size -> 0.5);
        assertEquals(SearchOutcome.BELOW_MIN, below.finished().outcome());
        assertEquals(10, below.finished().smallestNotMemorizing());
        assertEquals(List.of(10), below.probed());
    }

    @Test
    void thresholdIsInclusiveAtOneMinusEps() {
        SearchSpec search = new SearchSpec(0.1, 10, 20, 0.01, 1, 2.0);
        Run run = runSearch(search, size -> size <= 14 ? 0.9 : 0.8999);
        assertEquals(SearchOutcome.BRACKETED, run.finished().outcome());
        assertEquals(14, run.finished().largestMemorizing());
        assertEquals(15, run.finished().smallestNotMemorizing());
    }

    @Test
    void terminatesOnNoisyNonMonotoneCurvesWithAConsistentBracket() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            Map<Integer, Double> curve = new TreeMap<>();
            int parallel = 1 + random.nextInt(4);
            SearchSpec search = new SearchSpec(0.1, 2 + random.nextInt(20), 5000, 0.01 + random.nextDouble(), parallel, 2.0);
            Run run = runSearch(search, size -> curve.computeIfAbsent(size, s -> random.nextDouble()));
            SearchDecision.Finished finished = run.finished();
            assertNotNull(finished);
            if (finished.outcome() == SearchOutcome.BRACKETED) {
                assertTrue(curve.get(finished.largestMemorizing()) >= 0.9);
                assertTrue(curve.get(finished.smallestNotMemorizing()) < 0.9);
                assertTrue(finished.largestMemorizing() < finished.smallestNotMemorizing());
            }
            assertTrue(run.probed().size() < 60, "too many probes: " + run.probed().size());
        }
    }
}
