package dev.emm.core.report;

import dev.emm.core.metric.NeighbourDistances;
import java.util.Locale;

/**
 * Histogram of d1/d2 over one snapshot's samples, in {@value #BINS} bins over [0, 1], with the
 * memorization line at 1/3 (a bin edge). Each sample is binned on the side of the line that the
 * metric's exact test (9 d1^2 < d2^2) puts it, so the bars left of the line add up to the
 * memorized count.
 */
final class DistanceRatioHistogram {

    static final int BINS = 30;
    /** The bin starting at 1/3. */
    static final int FIRST_NOT_MEMORIZED_BIN = BINS / 3;

    private DistanceRatioHistogram() {
    }

    static int[] counts(NeighbourDistances distances) {
        int[] counts = new int[BINS];
        for (int i = 0; i < distances.size(); i++) {
            int bin = Math.min(BINS - 1, (int) Math.floor(distances.ratio(i) * BINS));
            bin = distances.memorized(i) ? Math.min(bin, FIRST_NOT_MEMORIZED_BIN - 1)
                    : Math.max(bin, FIRST_NOT_MEMORIZED_BIN);
            counts[bin]++;
        }
        return counts;
    }

    static String svg(String id, NeighbourDistances distances) {
        int[] counts = counts(distances);
        int highest = 1;
        for (int count : counts) {
            highest = Math.max(highest, count);
        }
        Scale x = Scale.linear(0, 1, Svg.LEFT, Svg.RIGHT);
        Scale y = Scale.linear(0, highest, Svg.BOTTOM, Svg.TOP);
        StringBuilder svg = new StringBuilder(Svg.open(id, "histogram of d1/d2"));
        for (int tick = 0; tick <= 4; tick++) {
            int value = (int) Math.round(highest * tick / 4.0);
            svg.append("<text class=\"tick\" x=\"").append(Svg.LEFT - 6).append("\" y=\"").append(Svg.num(y.at(value) + 4))
                    .append("\" text-anchor=\"end\">").append(value).append("</text>\n");
        }
        for (int tick = 0; tick <= 10; tick++) {
            svg.append("<text class=\"tick\" x=\"").append(Svg.num(x.at(tick / 10.0))).append("\" y=\"")
                    .append(Svg.BOTTOM + 18).append("\" text-anchor=\"middle\">")
                    .append(String.format(Locale.ROOT, "%.1f", tick / 10.0)).append("</text>\n");
        }
        for (int bin = 0; bin < BINS; bin++) {
            double left = x.at((double) bin / BINS);
            double right = x.at((double) (bin + 1) / BINS);
            svg.append("<rect class=\"bin").append(bin < FIRST_NOT_MEMORIZED_BIN ? " memorized" : "")
                    .append("\" data-count=\"").append(counts[bin]).append("\" x=\"").append(Svg.num(left + 0.5))
                    .append("\" y=\"").append(Svg.num(y.at(counts[bin]))).append("\" width=\"")
                    .append(Svg.num(right - left - 1)).append("\" height=\"")
                    .append(Svg.num(Svg.BOTTOM - y.at(counts[bin]))).append("\"><title>d1/d2 in [")
                    .append(String.format(Locale.ROOT, "%.3f, %.3f): %d", (double) bin / BINS, (double) (bin + 1) / BINS,
                            counts[bin]))
                    .append("</title></rect>\n");
        }
        Svg.frame(svg);
        String third = Svg.num(x.at(1.0 / 3));
        svg.append("<line class=\"threshold\" x1=\"").append(third).append("\" x2=\"").append(third).append("\" y1=\"")
                .append(Svg.TOP).append("\" y2=\"").append(Svg.BOTTOM).append("\"/>\n");
        svg.append("<text class=\"threshold-label\" x=\"").append(Svg.num(x.at(1.0 / 3) + 5)).append("\" y=\"")
                .append(Svg.TOP + 14).append("\">d1/d2 = 1/3</text>\n");
        Svg.xTitle(svg, "d1 / d2 (nearest over second-nearest training image distance)");
        svg.append("<text class=\"axis-title\" transform=\"translate(16 ").append(Svg.num((Svg.TOP + Svg.BOTTOM) / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\">samples</text>\n");
        return svg.append("</svg>\n").toString();
    }
}
