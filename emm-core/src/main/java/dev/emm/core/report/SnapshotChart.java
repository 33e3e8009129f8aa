package dev.emm.core.report;

import dev.emm.core.metric.MemorizationSummary;
import java.util.Map;
import java.util.SortedMap;

/**
 * One run's memorization ratio at each measured snapshot, with 95% Wilson intervals and the
 * 1 - eps line; the best snapshot (the run's ratio) is drawn larger.
 */
final class SnapshotChart {

    private SnapshotChart() {
    }

    static String svg(String id, SortedMap<Integer, MemorizationSummary> snapshots, int best, double threshold) {
        Scale x = Scale.linear(snapshots.firstKey() - 0.5, snapshots.lastKey() + 0.5, Svg.LEFT, Svg.RIGHT);
        Scale y = RatioChart.yScale();
        StringBuilder svg = new StringBuilder(Svg.open(id, "memorization ratio per snapshot"));
        Svg.ratioAxis(svg, y, "memorization ratio");
        int labelEvery = Math.max(1, snapshots.size() / 12);
        int index = 0;
        for (int snapshot : snapshots.keySet()) {
            if (index++ % labelEvery == 0) {
                svg.append("<text class=\"tick\" x=\"").append(Svg.num(x.at(snapshot))).append("\" y=\"")
                        .append(Svg.BOTTOM + 18).append("\" text-anchor=\"middle\">").append(snapshot).append("</text>\n");
            }
        }
        Svg.frame(svg);
        Svg.thresholdLine(svg, y, threshold);
        StringBuilder curve = new StringBuilder();
        for (Map.Entry<Integer, MemorizationSummary> entry : snapshots.entrySet()) {
            curve.append(Svg.num(x.at(entry.getKey()))).append(',').append(Svg.num(y.at(entry.getValue().ratio())))
                    .append(' ');
        }
        svg.append("<polyline class=\"curve\" points=\"").append(curve.toString().strip()).append("\"/>\n");
        for (Map.Entry<Integer, MemorizationSummary> entry : snapshots.entrySet()) {
            MemorizationSummary summary = entry.getValue();
            String px = Svg.num(x.at(entry.getKey()));
            boolean isBest = entry.getKey() == best;
            svg.append("<g class=\"point").append(isBest ? " best" : "").append("\" data-snapshot=\"")
                    .append(entry.getKey()).append("\" data-ratio=\"").append(Svg.ratio(summary.ratio())).append("\">");
            svg.append("<line class=\"ci\" x1=\"").append(px).append("\" x2=\"").append(px).append("\" y1=\"")
                    .append(Svg.num(y.at(summary.ciLow()))).append("\" y2=\"").append(Svg.num(y.at(summary.ciHigh())))
                    .append("\"/>");
            svg.append("<circle cx=\"").append(px).append("\" cy=\"").append(Svg.num(y.at(summary.ratio())))
                    .append("\" r=\"").append(isBest ? "5.5" : "3.5").append("\"/>");
            svg.append("<title>snapshot ").append(entry.getKey()).append(": ").append(summary.memorizedCount())
                    .append(" of ").append(summary.sampleCount()).append(" memorized, ratio ")
                    .append(Svg.ratio(summary.ratio())).append("</title></g>\n");
        }
        Svg.xTitle(svg, "snapshot");
        return svg.append("</svg>\n").toString();
    }
}
