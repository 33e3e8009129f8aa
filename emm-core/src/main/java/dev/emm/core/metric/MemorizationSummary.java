package dev.emm.core.metric;

/** Memorized samples out of all, the ratio, and its 95% Wilson score interval. */
public record MemorizationSummary(int sampleCount, int memorizedCount, double ratio, double ciLow, double ciHigh) {

    private static final double Z_95 = 1.959963984540054;

    public static MemorizationSummary of(int memorized, int total) {
        if (total <= 0) {
            throw new IllegalArgumentException("no samples");
        }
        double p = (double) memorized / total;
        double z2 = Z_95 * Z_95;
        double denominator = 1 + z2 / total;
        double centre = (p + z2 / (2.0 * total)) / denominator;
        double halfWidth = Z_95 * Math.sqrt(p * (1 - p) / total + z2 / (4.0 * total * total)) / denominator;
        return new MemorizationSummary(total, memorized, p, Math.max(0, centre - halfWidth),
                Math.min(1, centre + halfWidth));
    }
}
