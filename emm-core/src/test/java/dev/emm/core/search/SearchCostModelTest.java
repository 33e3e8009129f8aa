package dev.emm.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.spec.SearchSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The search's training cost against the paper's grid procedure, in the paper's cost unit
 * ({@link SearchCostModel#inEpochs()}): a run at |D| trains a fixed number of epochs, so it costs
 * epochs x |D| images (DiffMemorize's train.py: total_kimg = duration x |D| / 50, i.e. 40k epochs at
 * every size), and the epochs cancel.
 *
 * <p>The grid procedure trains every size of the paper's grid to the end and takes each run's
 * best snapshot; its bracket is the last memorizing grid size and the next one. The search is
 * {@link EmmSearch} from the grid's first size to its last, growth factor 2, with the bracket
 * precision of the grid's finest relative step (so its bracket is at least as tight as the
 * grid's), and early stop: a run that memorizes stops at the first snapshot whose ratio reaches
 * 1 - eps; a run that does not memorize trains to the end.
 *
 * <p>Synthetic ratio curves, monotone in both |D| and training time: a run's final ratio is
 * r(D) = 1 / (1 + (D / D50)^k), with D50 placing r = 1 - eps at the crossing D*; during the run
 * r(D, t) = r(D) rise(t / T(D)), where T(D) = c D / D* is when the run reaches its final ratio
 * (larger sets take longer to memorize; c <= 1, so a run at D* memorizes by its end and the
 * crossing stays at D*), and 20 snapshots are evenly spaced over the run.
 */
class SearchCostModelTest {

    private static final double EPS = 0.1;
    private static final int SNAPSHOTS = 20;
    private static final int CROSSINGS = 48;
    private static final SearchCostModel COST = SearchCostModel.inEpochs();

    /**
     * The size grids of the paper's figures (DiffMemorize docs/memorize_data_dim.png: 0.5k..4k at
     * 32x32, 1k..16k at 16x16 and 8x8; DESIGN section 1: 1k..5k for the default CIFAR-10 setup), as
     * multiples of a unit, with the bracket precision at which the search's bracket is the grid's
     * (for the doubling grids a factor 2; for the linear one adjacent multiples, hi - lo = 1 unit).
     */
    private enum PaperGrid {
        CIFAR_32(500, new int[] {1, 2, 4, 8}, 1.0),
        CIFAR_16_AND_8(1000, new int[] {1, 2, 4, 8, 16}, 1.0),
        CIFAR_LINEAR(1000, new int[] {1, 2, 3, 4, 5}, 0.01);

        final int unit;
        final int[] multiples;
        final double precision;

        PaperGrid(int unit, int[] multiples, double precision) {
            this.unit = unit;
            this.multiples = multiples;
            this.precision = precision;
        }

        int first() {
            return multiples[0] * unit;
        }

        int last() {
            return multiples[multiples.length - 1] * unit;
        }

        List<Integer> sizes() {
            List<Integer> sizes = new ArrayList<>();
            for (int m : multiples) {
                sizes.add(m * unit);
            }
            return sizes;
        }

        long cost() {
            return COST.grid(sizes());
        }
    }

    private record Rise(String name, DoubleUnaryOperator shape) {
    }

    private static final List<Rise> RISES = List.of(
            new Rise("linear", u -> Math.min(1, u)),
            new Rise("early (sqrt)", u -> Math.sqrt(Math.min(1, u))),
            new Rise("late (square)", u -> Math.pow(Math.min(1, u), 2)),
            new Rise("sigmoid", u -> {
                double v = Math.min(1, u);
                return v * v * (3 - 2 * v);
            }));

    /** One synthetic recipe: crossing D*, steepness k, rise shape and the time scale c. */
    private record Curve(double crossing, double steepness, Rise rise, double timeScale) {
        double finalRatio(double size) {
            return 1 / (1 + Math.pow(size / crossing, steepness) * (1 / (1 - EPS) - 1));
        }

        double ratio(double size, double time) {
            return finalRatio(size) * rise.shape().applyAsDouble(time / (timeScale * size / crossing));
        }
    }

    /** The ratio a run reports and the share of its full length it trained. */
    private record Run(double ratio, double trainedShare) {
    }

    private static Run run(Curve curve, int size, boolean earlyStop) {
        double best = 0;
        for (int s = 1; s <= SNAPSHOTS; s++) {
            double time = (double) s / SNAPSHOTS;
            best = Math.max(best, curve.ratio(size, time));
            if (earlyStop && best >= 1 - EPS) {
                return new Run(best, time);
            }
        }
        return new Run(best, 1);
    }

    /** Images trained by the search (in epochs x |D|) and its bracket. */
    private record SearchCost(double cost, int lo, int hi) {
    }

    /** The search on the grid's sizes: sizes in units of the grid, the grid's bracket precision. */
    private static SearchCost searchOnTheGrid(Curve curve, PaperGrid grid) {
        int[] m = grid.multiples;
        return search(curve, new SearchSpec(EPS, m[0], m[m.length - 1], grid.precision, 1, 2.0), grid.unit);
    }

    /** The search as the product runs it: any integer size, the default precision 0.25. */
    private static SearchCost searchAtDefaultPrecision(Curve curve, PaperGrid grid) {
        return search(curve, new SearchSpec(EPS, grid.first(), grid.last(), 0.25, 1, 2.0), 1);
    }

    private static SearchCost search(Curve curve, SearchSpec spec, int unit) {
        Map<Integer, Double> ratios = new HashMap<>();
        double cost = 0;
        while (true) {
            SearchDecision decision = EmmSearch.decide(spec, ratios);
            if (decision instanceof SearchDecision.Finished finished) {
                assertEquals(SearchOutcome.BRACKETED, finished.outcome());
                return new SearchCost(cost, finished.largestMemorizing() * unit,
                        finished.smallestNotMemorizing() * unit);
            }
            for (int size : ((SearchDecision.Probe) decision).sizes()) {
                Run run = run(curve, size * unit, true);
                ratios.put(size, run.ratio());
                cost += COST.run(size * unit, run.trainedShare());
            }
        }
    }

    /** The grid's bracket: the last memorizing grid size (trained fully) and the next one. */
    private static int[] gridBracket(Curve curve, PaperGrid grid) {
        int[] m = grid.multiples;
        for (int i = 1; i < m.length; i++) {
            if (run(curve, m[i] * grid.unit, false).ratio() < 1 - EPS) {
                return new int[] {m[i - 1] * grid.unit, m[i] * grid.unit};
            }
        }
        throw new AssertionError("no crossing inside the grid");
    }

    /** Crossings spread evenly in log |D| strictly between the grid's first and last size. */
    private static List<Double> crossings(PaperGrid grid) {
        double lo = Math.log(grid.first());
        double hi = Math.log(grid.last());
        List<Double> list = new ArrayList<>();
        for (int i = 0; i < CROSSINGS; i++) {
            list.add(Math.exp(lo + (hi - lo) * (i + 0.5) / CROSSINGS));
        }
        return list;
    }

    @Test
    void theSearchWithEarlyStopSpendsAtMostHalfTheGridsTrainingImages() {
        double overallSearch = 0;
        double overallFinerSearch = 0;
        double overallGrid = 0;
        for (PaperGrid grid : PaperGrid.values()) {
            for (double steepness : new double[] {2, 4, 8}) {
                for (Rise rise : RISES) {
                    for (double timeScale : new double[] {0.3, 0.6, 1.0}) {
                        double searchCost = 0;
                        double finerSearchCost = 0;
                        double gridCost = 0;
                        double worst = 0;
                        for (double crossing : crossings(grid)) {
                            Curve curve = new Curve(crossing, steepness, rise, timeScale);
                            int[] bracket = gridBracket(curve, grid);
                            SearchCost s = searchOnTheGrid(curve, grid);
                            assertEquals(bracket[0], s.lo(), "the grid's bracket for " + curve);
                            assertEquals(bracket[1], s.hi(), "the grid's bracket for " + curve);
                            SearchCost finer = searchAtDefaultPrecision(curve, grid);
                            assertTrue(finer.lo() < crossing && crossing <= finer.hi(), "misses " + crossing);
                            assertTrue((double) finer.hi() / finer.lo() <= (double) bracket[1] / bracket[0],
                                    "wider than the grid's bracket: " + finer + " for " + curve);
                            searchCost += s.cost();
                            finerSearchCost += finer.cost();
                            gridCost += grid.cost();
                            worst = Math.max(worst, s.cost() / grid.cost());
                        }
                        System.out.printf(Locale.ROOT, "cost model %-15s k=%.0f rise %-13s c=%.1f: search/grid "
                                + "%.3f (worst single recipe %.3f; at precision 0.25 %.3f)%n", grid, steepness,
                                rise.name(), timeScale, searchCost / gridCost, worst, finerSearchCost / gridCost);
                        assertTrue(searchCost <= 0.5 * gridCost, grid + " k=" + steepness + " " + rise.name()
                                + " c=" + timeScale + ": search/grid " + searchCost / gridCost);
                        overallSearch += searchCost;
                        overallFinerSearch += finerSearchCost;
                        overallGrid += gridCost;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "cost model, all families: search/grid %.3f (at precision 0.25 %.3f)%n",
                overallSearch / overallGrid, overallFinerSearch / overallGrid);
    }

    @Test
    void earlyStopEndsAMemorizingRunAtItsFirstSnapshotAtTheThreshold() {
        // linear rise, c = 0.5: a run at D*/2 reaches its final ratio at a quarter of the run
        Curve curve = new Curve(2000, 4, RISES.get(0), 0.5);
        Run stopped = run(curve, 1000, true);
        double finalRatio = curve.finalRatio(1000);
        assertTrue(finalRatio > 0.99, "final ratio " + finalRatio);
        // 0.9 / 0.994 of the way to T = 0.25, rounded up to the next of 20 snapshots: 0.25
        assertEquals(0.25, stopped.trainedShare(), 1e-12);
        assertTrue(stopped.ratio() >= 0.9);
        Run full = run(curve, 4000, true);
        assertEquals(1.0, full.trainedShare());
        assertTrue(full.ratio() < 0.9);
        assertInstanceOf(SearchDecision.Probe.class,
                EmmSearch.decide(new SearchSpec(EPS, 500, 4000, 1.0, 1, 2.0), Map.of()));
    }
}
