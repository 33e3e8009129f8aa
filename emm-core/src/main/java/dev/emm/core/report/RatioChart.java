package dev.emm.core.report;

import dev.emm.core.search.SizePoint;
import java.util.List;

/**
 * The paper's figure: memorization ratio against training-set size |D| on a log axis, each size
 * with its 95% Wilson interval, the 1 - eps line, and the EMM bracket shaded (an open end runs to
 * the plot's edge).
 */
final class RatioChart {

    static final String ID = "ratio-chart";
    /** Room left and right of the outermost sizes, as a factor on the log axis. */
    static final double PADDING = 1.5;

    private RatioChart() {
    }

    /** The x axis for these points and bracket ends. */
    static Scale xScale(List<SizePoint> points, Integer bracketLow, Integer bracketHigh) {
        double low = Double.MAX_VALUE;
        double high = 0;
        for (SizePoint point : points) {
            low = Math.min(low, point.size());
            high = Math.max(high, point.size());
        }
        for (Integer end : new Integer[] {bracketLow, bracketHigh}) {
            if (end != null) {
                low = Math.min(low, end);
                high = Math.max(high, end);
            }
        }
        return Scale.logarithmic(low / PADDING, high * PADDING, Svg.LEFT, Svg.RIGHT);
    }

    static Scale yScale() {
        return Scale.linear(0, 1, Svg.BOTTOM, Svg.TOP);
    }

    static String svg(List<SizePoint> points, double threshold, Integer bracketLow, Integer bracketHigh) {
        Scale x = xScale(points, bracketLow, bracketHigh);
        Scale y = yScale();
        StringBuilder svg = new StringBuilder(Svg.open(ID, "memorization ratio against training-set size"));
        if (bracketLow != null || bracketHigh != null) {
            double from = bracketLow == null ? Svg.LEFT : x.at(bracketLow);
            double to = bracketHigh == null ? Svg.RIGHT : x.at(bracketHigh);
            svg.append("<rect class=\"bracket\" x=\"").append(Svg.num(from)).append("\" y=\"").append(Svg.TOP)
                    .append("\" width=\"").append(Svg.num(to - from)).append("\" height=\"").append(Svg.BOTTOM - Svg.TOP)
                    .append("\"><title>EMM bracket [").append(bracketLow).append(", ").append(bracketHigh)
                    .append(")</title></rect>\n");
        }
        Svg.ratioAxis(svg, y, "memorization ratio");
        for (SizePoint point : points) {
            String at = Svg.num(x.at(point.size()));
            svg.append("<line class=\"tick-mark\" x1=\"").append(at).append("\" x2=\"").append(at).append("\" y1=\"")
                    .append(Svg.BOTTOM).append("\" y2=\"").append(Svg.BOTTOM + 5).append("\"/>\n");
            svg.append("<text class=\"tick\" x=\"").append(at).append("\" y=\"").append(Svg.BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">").append(point.size()).append("</text>\n");
        }
        Svg.frame(svg);
        Svg.thresholdLine(svg, y, threshold);
        StringBuilder curve = new StringBuilder();
        for (SizePoint point : points) {
            curve.append(Svg.num(x.at(point.size()))).append(',').append(Svg.num(y.at(point.ratio()))).append(' ');
        }
        svg.append("<polyline class=\"curve\" points=\"").append(curve.toString().strip()).append("\"/>\n");
        for (SizePoint point : points) {
            String px = Svg.num(x.at(point.size()));
            svg.append("<g class=\"point\" data-size=\"").append(point.size()).append("\" data-ratio=\"")
                    .append(Svg.ratio(point.ratio())).append("\">");
            svg.append("<line class=\"ci\" x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"")
                    .append(Svg.num(y.at(point.ciLow()))).append("\" y2=\"").append(Svg.num(y.at(point.ciHigh())))
                    .append("\"/>");
            svg.append("<circle cx=\"").append(px).append("\" cy=\"").append(Svg.num(y.at(point.ratio())))
                    .append("\" r=\"4.5\"/>");
            svg.append("<title>|D| = ").append(point.size()).append(": ratio ").append(Svg.ratio(point.ratio()))
                    .append(", 95% Wilson [").append(Svg.ratio(point.ciLow())).append(", ")
                    .append(Svg.ratio(point.ciHigh())).append("]</title></g>\n");
        }
        Svg.xTitle(svg, "training-set size |D| (log scale)");
        return svg.append("</svg>\n").toString();
    }
}
