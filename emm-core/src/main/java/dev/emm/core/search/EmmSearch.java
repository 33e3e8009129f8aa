package dev.emm.core.search;

import dev.emm.core.spec.SearchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The EMM search as a pure function from (search settings, ratios measured so far) to the next
 * decision. It works in rounds: every size of a {@link SearchDecision.Probe} is measured before
 * the next call.
 *
 * <p>A run's cost grows with |D| under a fixed epoch budget, so the search gallops up from the
 * minimum by the growth factor g (2 unless the spec says otherwise; with p parallel probes it
 * places them at L * g^(j/p), never beyond gL) until a size stops memorizing, then bisects the
 * bracket in log space on integer sizes. It therefore never probes above g times the smallest
 * non-memorizing size. A larger g pays off when a run's cost does not grow with |D| (a duration in
 * steps): fewer rounds reach the transition, and the largest probe lands further past it.
 *
 * <p>Noisy, non-monotone ratios are handled by always bracketing between the smallest
 * non-memorizing size and the largest memorizing size below it; each round probes strictly inside
 * that bracket, so the search terminates.
 */
public final class EmmSearch {

    private EmmSearch() {
    }

    public static SearchDecision decide(SearchSpec search, Map<Integer, Double> ratios) {
        double threshold = search.threshold();
        int min = search.minSize();
        int max = search.maxSize();
        int parallel = search.parallelProbes();
        if (!ratios.containsKey(min)) {
            return new SearchDecision.Probe(List.of(min));
        }
        NavigableMap<Integer, Double> measured = new TreeMap<>(ratios);
        Integer smallestNotMemorizing = measured.entrySet().stream()
                .filter(e -> e.getValue() < threshold)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        if (smallestNotMemorizing == null) {
            int largest = measured.lastKey();
            if (largest >= max) {
                return new SearchDecision.Finished(SearchOutcome.ABOVE_MAX, largest, null);
            }
            return new SearchDecision.Probe(gallop(largest, max, parallel, search.growthFactor()));
        }
        Integer largestMemorizing = measured.headMap(smallestNotMemorizing, false).entrySet().stream()
                .filter(e -> e.getValue() >= threshold)
                .map(Map.Entry::getKey)
                .reduce((a, b) -> b)
                .orElse(null);
        if (largestMemorizing == null) {
            return new SearchDecision.Finished(SearchOutcome.BELOW_MIN, null, smallestNotMemorizing);
        }
        int lo = largestMemorizing;
        int hi = smallestNotMemorizing;
        if (hi - lo <= 1 || hi <= lo * (1.0 + search.precision())) {
            return new SearchDecision.Finished(SearchOutcome.BRACKETED, lo, hi);
        }
        return new SearchDecision.Probe(bisect(lo, hi, parallel));
    }

    private static List<Integer> gallop(int largestMemorizing, int max, int parallel, double growthFactor) {
        TreeSet<Integer> sizes = new TreeSet<>();
        for (int j = 1; j <= parallel; j++) {
            long size = Math.round(largestMemorizing * Math.pow(growthFactor, (double) j / parallel));
            sizes.add((int) Math.min(max, Math.max(size, largestMemorizing + 1L)));
        }
        return new ArrayList<>(sizes);
    }

    private static List<Integer> bisect(int lo, int hi, int parallel) {
        TreeSet<Integer> sizes = new TreeSet<>();
        double logLo = Math.log(lo);
        double logHi = Math.log(hi);
        for (int j = 1; j <= parallel; j++) {
            int size = (int) Math.round(Math.exp(logLo + (logHi - logLo) * j / (parallel + 1)));
            if (size > lo && size < hi) {
                sizes.add(size);
            }
        }
        if (sizes.isEmpty()) {
            int middle = (int) Math.round(Math.sqrt((double) lo * hi));
            sizes.add(Math.min(hi - 1, Math.max(lo + 1, middle)));
        }
        return new ArrayList<>(sizes);
    }
}
