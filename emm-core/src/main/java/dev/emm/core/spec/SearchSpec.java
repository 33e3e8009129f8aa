package dev.emm.core.spec;

/**
 * The EMM search over training-set size: memorization threshold {@code 1 - eps}, the size range,
 * the relative precision of the final bracket (stop when hi/lo <= 1 + precision) and how many
 * sizes may train at once.
 */
public record SearchSpec(Double eps, Integer minSize, Integer maxSize, Double precision, Integer parallelProbes) {

    SearchSpec withDefaults() {
        return new SearchSpec(
                eps == null ? 0.1 : eps,
                minSize == null ? 10 : minSize,
                maxSize == null ? 640 : maxSize,
                precision == null ? 0.25 : precision,
                parallelProbes == null ? 1 : parallelProbes);
    }

    public double threshold() {
        return 1.0 - eps;
    }
}
