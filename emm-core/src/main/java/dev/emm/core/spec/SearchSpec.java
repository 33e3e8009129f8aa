package dev.emm.core.spec;

/**
 * The EMM search over training-set size: memorization threshold {@code 1 - eps}, the size range,
 * the relative precision of the final bracket (stop when hi/lo <= 1 + precision), how many sizes
 * may train at once, and the factor by which |D| grows while every size still memorizes.
 *
 * <p>{@code earlyStop} says when a run that memorizes is stopped before its duration: at the first
 * snapshot whose ratio or whose Wilson lower bound reaches 1 - eps, or never ({@link EarlyStopRule}). {@code plateauSnapshots} k (0: off) stops a run
 * as not memorizing once k consecutive snapshots stay below 1 - eps without rising beyond the first
 * one's interval (see {@code dev.emm.core.search.EarlyStop}).
 */
public record SearchSpec(Double eps, Integer minSize, Integer maxSize, Double precision, Integer parallelProbes,
        Double growthFactor, EarlyStopRule earlyStop, Integer plateauSnapshots) {

    /** A search that leaves the early-stop settings at their defaults. */
    public SearchSpec(Double eps, Integer minSize, Integer maxSize, Double precision, Integer parallelProbes,
            Double growthFactor) {
        this(eps, minSize, maxSize, precision, parallelProbes, growthFactor, null, null);
    }

    /** A spec that sets nothing: every field takes its default. */
    static SearchSpec unset() {
        return new SearchSpec(null, null, null, null, null, null, null, null);
    }

    SearchSpec withDefaults() {
        return new SearchSpec(
                eps == null ? 0.1 : eps,
                minSize == null ? 10 : minSize,
                maxSize == null ? 640 : maxSize,
                precision == null ? 0.25 : precision,
                parallelProbes == null ? 1 : parallelProbes,
                growthFactor == null ? 2.0 : growthFactor,
                earlyStop == null ? EarlyStopRule.RATIO : earlyStop,
                plateauSnapshots == null ? 0 : plateauSnapshots);
    }

    public double threshold() {
        return 1.0 - eps;
    }
}
