package dev.emm.core.spec;

/**
 * The EMM search over training-set size: memorization threshold {@code 1 - eps}, the size range,
 * the relative precision of the final bracket (stop when hi/lo <= 1 + precision), how many sizes
 * may train at once, and the factor by which |D| grows while every size still memorizes.
 */
public record SearchSpec(Double eps, Integer minSize, Integer maxSize, Double precision, Integer parallelProbes,
        Double growthFactor) {

    SearchSpec withDefaults() {
        return new SearchSpec(
                eps == null ? 0.1 : eps,
                minSize == null ? 10 : minSize,
                maxSize == null ? 640 : maxSize,
                precision == null ? 0.25 : precision,
                parallelProbes == null ? 1 : parallelProbes,
                growthFactor == null ? 2.0 : growthFactor);
    }

    public double threshold() {
        return 1.0 - eps;
    }
}
