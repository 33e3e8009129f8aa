package dev.emm.core.metric;

import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SamplingSpec;

/**
 * How many samples a snapshot needs: draw {@code firstCount}, and double the count only while
 * the 95% Wilson interval of the ratio measured so far ({@link MemorizationSummary}) reaches
 * {@code threshold} (1 - eps), up to {@code fullCount}.
 *
 * <p>Only one decision is taken early: a snapshot whose whole interval lies below the threshold
 * is decided "not memorizing" and drawing stops. A snapshot that may memorize (its interval
 * reaches the threshold, above it or straddling it) is always drawn to the full count, so a
 * snapshot that decides "memorizing" reports its ratio over {@code fullCount} samples, exactly as
 * without this rule. Samples are drawn with seeds first .. first + n - 1, so drawing more continues
 * the seed range and the first n samples are the same whatever the final count: the rule can only
 * differ from the full-count decision by stopping a snapshot whose full count would have reached
 * the threshold (docs/BENCHMARKS.md, "Sequential sampling", gives its measured error rate).
 */
public record SequentialSampling(int firstCount, int fullCount, double threshold) {

    /**
     * The rule of an experiment: from {@code sampling.sequentialFirstCount} to {@code sampling.sampleCount}
     * at 1 - {@code search.eps}; with sequential sampling off, the first count is the full count, so
     * every snapshot is decided at its first measurement.
     */
    public static SequentialSampling of(ExperimentSpec spec) {
        SamplingSpec sampling = spec.sampling();
        int full = sampling.sampleCount();
        int first = sampling.sequentialFirstCount() == null ? full : sampling.sequentialFirstCount();
        return new SequentialSampling(first, full, spec.search().threshold());
    }

    public SequentialSampling {
        if (firstCount < 1 || firstCount > fullCount) {
            throw new IllegalArgumentException("firstCount must be in 1.." + fullCount + ", got " + firstCount);
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
    }

    /**
     * The number of samples to have in all once {@code drawn} samples (seeds first .. first +
     * drawn - 1), {@code memorized} of them memorized, are measured: {@code drawn} itself when
     * the snapshot is decided, else the next count of the schedule (twice {@code drawn}, at most
     * {@code fullCount}).
     */
    public int nextCount(int drawn, int memorized) {
        if (drawn < firstCount || drawn > fullCount || memorized < 0 || memorized > drawn) {
            throw new IllegalArgumentException("drawn must be in " + firstCount + ".." + fullCount
                    + " and memorized in 0..drawn, got " + memorized + " of " + drawn);
        }
        if (drawn == fullCount || decidedNotMemorizing(drawn, memorized)) {
            return drawn;
        }
        return (int) Math.min(fullCount, 2L * drawn);
    }

    /** {@link #nextCount(int, int)} of a measured summary. */
    public int nextCount(MemorizationSummary measured) {
        return nextCount(measured.sampleCount(), measured.memorizedCount());
    }

    /** True when the whole 95% Wilson interval of {@code memorized / drawn} lies below the threshold. */
    public boolean decidedNotMemorizing(int drawn, int memorized) {
        return MemorizationSummary.of(memorized, drawn).ciHigh() < threshold;
    }
}
