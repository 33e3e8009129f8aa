package dev.emm.core.report;

import dev.emm.core.json.Json;
import dev.emm.core.search.SizePoint;
import dev.emm.core.sweep.SweepValueResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Every value's ratio against |D| on one chart: a log x axis over all the sizes any value measured,
 * one coloured curve per value (its points with their 95% Wilson titles), the 1 - eps line and a
 * legend naming each value.
 */
final class SweepChart {

    static final String ID = "sweep-chart";
    /** Distinct colours for up to {@code SweepExpansion.MAX_VALUES} curves, none the red of the 1 - eps line. */
    static final List<String> COLOURS = List.of("#0969da", "#bc4c00", "#1a7f37", "#8250df", "#1b7c83", "#bf3989",
            "#6e7781", "#d4a72c", "#0550ae", "#953800", "#116329", "#6639ba", "#136061", "#99286e", "#424a53",
            "#7d4e00");
    private static final int LEGEND_ROW = 16;

    private SweepChart() {
    }

    static String colour(int index) {
        return COLOURS.get(index % COLOURS.size());
    }

    /** The chart, or nothing when no value has a measured size yet. */
    static String svg(List<SweepValueResult> values, double threshold) {
        List<SizePoint> all = new ArrayList<>();
        values.forEach(value -> all.addAll(value.points()));
        if (all.isEmpty()) {
            return "";
        }
        Scale x = RatioChart.xScale(all, null, null);
        Scale y = RatioChart.yScale();
        StringBuilder svg = new StringBuilder(Svg.open(ID, "memorization ratio against training-set size, one curve "
                + "per value"));
        Svg.ratioAxis(svg, y, "memorization ratio");
        for (int size : new TreeSet<>(all.stream().map(SizePoint::size).toList())) {
            String at = Svg.num(x.at(size));
            svg.append("<line class=\"tick-mark\" x1=\"").append(at).append("\" x2=\"").append(at).append("\" y1=\"")
                    .append(Svg.BOTTOM).append("\" y2=\"").append(Svg.BOTTOM + 5).append("\"/>\n");
            svg.append("<text class=\"tick\" x=\"").append(at).append("\" y=\"").append(Svg.BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">").append(size).append("</text>\n");
        }
        Svg.frame(svg);
        Svg.thresholdLine(svg, y, threshold);
        for (int i = 0; i < values.size(); i++) {
            SweepValueResult value = values.get(i);
            String colour = colour(i);
            String label = Svg.escape(Json.toString(value.value()));
            svg.append("<g class=\"series\" data-value=\"").append(label).append("\" data-experiment=\"")
                    .append(Svg.escape(value.experimentId())).append("\">\n");
            StringBuilder curve = new StringBuilder();
            for (SizePoint point : value.points()) {
                curve.append(Svg.num(x.at(point.size()))).append(',').append(Svg.num(y.at(point.ratio()))).append(' ');
            }
            svg.append("<polyline class=\"sweep-curve\" style=\"fill:none;stroke:").append(colour)
                    .append(";stroke-width:1.5\" points=\"").append(curve.toString().strip()).append("\"/>\n");
            for (SizePoint point : value.points()) {
                String px = Svg.num(x.at(point.size()));
                svg.append("<g class=\"sweep-point\" data-size=\"").append(point.size()).append("\" data-ratio=\"")
                        .append(Svg.ratio(point.ratio())).append("\"><line x1=\"").append(px).append("\" x2=\"")
                        .append(px).append("\" y1=\"").append(Svg.num(y.at(point.ciLow()))).append("\" y2=\"")
                        .append(Svg.num(y.at(point.ciHigh()))).append("\" style=\"stroke:").append(colour)
                        .append(";stroke-width:2\"/><circle cx=\"").append(px).append("\" cy=\"")
                        .append(Svg.num(y.at(point.ratio()))).append("\" r=\"4\" style=\"fill:").append(colour)
                        .append("\"/><title>").append(label).append(": |D| = ").append(point.size()).append(", ratio ")
                        .append(Svg.ratio(point.ratio())).append(", 95% Wilson [").append(Svg.ratio(point.ciLow()))
                        .append(", ").append(Svg.ratio(point.ciHigh())).append("]</title></g>\n");
            }
            svg.append("</g>\n");
        }
        legend(svg, values);
        Svg.xTitle(svg, "training-set size |D| (log scale)");
        return svg.append("</svg>\n").toString();
    }

    /** Bottom left inside the plot, where the ratios of large sizes fall below the curves' starts. */
    private static void legend(StringBuilder svg, List<SweepValueResult> values) {
        int top = Svg.BOTTOM - 8 - LEGEND_ROW * values.size();
        svg.append("<g class=\"legend\">\n");
        for (int i = 0; i < values.size(); i++) {
            int rowY = top + LEGEND_ROW * i;
            svg.append("<rect x=\"").append(Svg.LEFT + 8).append("\" y=\"").append(rowY).append("\" width=\"12\" "
                    + "height=\"12\" style=\"fill:").append(colour(i)).append("\"/><text x=\"").append(Svg.LEFT + 26)
                    .append("\" y=\"").append(rowY + 10).append("\">").append(Svg.escape(Json.toString(values.get(i)
                            .value()))).append("</text>\n");
        }
        svg.append("</g>\n");
    }
}
