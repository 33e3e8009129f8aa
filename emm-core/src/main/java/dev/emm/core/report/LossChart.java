package dev.emm.core.report;

import dev.emm.core.training.TrainingLog;
import dev.emm.core.training.TrainingLog.LossPoint;
import java.util.List;
import java.util.Locale;

/**
 * One run's training loss curve from its stored {@link TrainingLog}: the mean per-pixel loss of
 * each progress report against the images trained, on linear axes from 0 (the y axis to
 * {@link #HEADROOM} times the highest loss).
 */
final class LossChart {

    static final double HEADROOM = 1.05;

    private LossChart() {
    }

    static Scale xScale(List<LossPoint> points) {
        return Scale.linear(0, Math.max(1, points.get(points.size() - 1).images()), Svg.LEFT, Svg.RIGHT);
    }

    static Scale yScale(List<LossPoint> points) {
        double highest = points.stream().mapToDouble(LossPoint::loss).filter(Double::isFinite).max().orElse(1);
        return Scale.linear(0, highest > 0 ? highest * HEADROOM : 1, Svg.BOTTOM, Svg.TOP);
    }

    /** {@code log} has at least one point. */
    static String svg(String id, TrainingLog log) {
        List<LossPoint> points = log.points();
        Scale x = xScale(points);
        Scale y = yScale(points);
        StringBuilder svg = new StringBuilder(Svg.open(id, "training loss against images trained"));
        for (int tick = 0; tick <= 5; tick++) {
            double value = y.domainHigh() * tick / 5;
            String at = Svg.num(y.at(value));
            svg.append("<line class=\"grid\" x1=\"").append(Svg.LEFT).append("\" x2=\"").append(Svg.RIGHT)
                    .append("\" y1=\"").append(at).append("\" y2=\"").append(at).append("\"/>\n");
            svg.append("<text class=\"tick\" x=\"").append(Svg.LEFT - 6).append("\" y=\"").append(Svg.num(y.at(value) + 4))
                    .append("\" text-anchor=\"end\">").append(String.format(Locale.ROOT, "%.3g", value)).append("</text>\n");
        }
        for (int tick = 0; tick <= 5; tick++) {
            double value = x.domainHigh() * tick / 5;
            svg.append("<text class=\"tick\" x=\"").append(Svg.num(x.at(value))).append("\" y=\"").append(Svg.BOTTOM + 18)
                    .append("\" text-anchor=\"middle\">").append(images(value)).append("</text>\n");
        }
        Svg.frame(svg);
        StringBuilder curve = new StringBuilder();
        for (LossPoint point : points) {
            if (Double.isFinite(point.loss())) {
                curve.append(Svg.num(x.at(point.images()))).append(',').append(Svg.num(y.at(point.loss()))).append(' ');
            }
        }
        LossPoint last = points.get(points.size() - 1);
        svg.append("<polyline class=\"curve loss\" data-points=\"").append(points.size()).append("\" points=\"")
                .append(curve.toString().strip()).append("\"><title>").append(points.size())
                .append(" progress reports; last: step ").append(last.step()).append(", ").append(last.images())
                .append(" images, loss ").append(String.format(Locale.ROOT, "%.4g", last.loss()))
                .append("</title></polyline>\n");
        svg.append("<text class=\"axis-title\" transform=\"translate(16 ").append(Svg.num((Svg.TOP + Svg.BOTTOM) / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\">loss (mean per pixel)</text>\n");
        Svg.xTitle(svg, "images trained");
        return svg.append("</svg>\n").toString();
    }

    /** 1234567 as 1.23M, 45600 as 45.6k. */
    static String images(double value) {
        if (value >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", value / 1e6);
        }
        if (value >= 1e3) {
            return String.format(Locale.ROOT, "%.3gk", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
