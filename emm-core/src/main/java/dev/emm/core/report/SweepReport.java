package dev.emm.core.report;

import dev.emm.core.json.Json;
import dev.emm.core.sweep.SweepResult;
import dev.emm.core.sweep.SweepValueResult;
import java.util.function.UnaryOperator;

/**
 * A sweep's self-contained HTML page: EMM (bracket) per value of the factor in a table, every
 * value's ratio curve on one chart ({@link SweepChart}), and a link to each member experiment's own
 * report. Like {@link ExperimentReport}, no script and nothing fetched when viewed; the links are
 * where the caller puts the member reports ({@code memberReport} maps an experiment id to its href).
 */
public final class SweepReport {

    private SweepReport() {
    }

    public static String html(SweepResult sweep, UnaryOperator<String> memberReport) {
        StringBuilder html = new StringBuilder(16 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n<title>EMM sweep: ").append(Svg.escape(sweep.sweepId()))
                .append("</title>\n<style>\n").append(ExperimentReport.STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>EMM sweep: ").append(Svg.escape(sweep.sweepId())).append("</h1>\n");
        html.append("<p id=\"answer\" class=\"answer\">Status <b>").append(sweep.status()).append("</b>: ")
                .append(Svg.escape(sweep.name())).append(", EMM over ").append(sweep.values().size())
                .append(" values of <code>").append(Svg.escape(sweep.factor())).append("</code>. A model memorizes when "
                        + "its ratio is at least 1 - eps = ").append(Svg.ratio(sweep.threshold())).append(".</p>\n");
        html.append("<section id=\"emm-per-value\"><h2>EMM per value of ").append(Svg.escape(sweep.factor()))
                .append("</h2>\n<table class=\"sweep-values\"><tr><th>").append(Svg.escape(sweep.factor()))
                .append("</th><th>experiment</th><th>status</th><th>EMM</th><th>bracket</th><th>sizes measured</th></tr>\n");
        for (int i = 0; i < sweep.values().size(); i++) {
            SweepValueResult value = sweep.values().get(i);
            html.append("<tr class=\"sweep-value\" data-value=\"").append(Svg.escape(Json.toString(value.value())))
                    .append("\" data-emm=\"").append(value.emm() == null ? "" : value.emm()).append("\"><td>")
                    .append("<span class=\"swatch\" style=\"background:").append(SweepChart.colour(i)).append("\"></span>")
                    .append(Svg.escape(Json.toString(value.value()))).append("</td><td><a href=\"")
                    .append(Svg.escape(memberReport.apply(value.experimentId()))).append("\">")
                    .append(Svg.escape(value.experimentId())).append("</a></td><td>").append(value.status())
                    .append(value.message() == null ? "" : " (" + Svg.escape(value.message()) + ")")
                    .append("</td><td class=\"emm\">").append(value.emm() == null ? "–" : value.emm())
                    .append("</td><td class=\"bracket\">").append(bracket(value)).append("</td><td>")
                    .append(value.points().size()).append("</td></tr>\n");
        }
        html.append("</table>\n</section>\n");
        html.append("<section id=\"ratio-vs-size\"><h2>Memorization ratio against |D|, one curve per value</h2>\n");
        String chart = SweepChart.svg(sweep.values(), sweep.threshold());
        html.append(chart.isEmpty() ? "<p>No size has been measured yet.</p>\n" : chart
                + "<p class=\"note\">Each point is a run's best snapshot; bars are 95% Wilson intervals; the dashed line "
                + "is 1 - eps. Each value's own report has its bracket, runs, samples and compute.</p>\n");
        html.append("</section>\n");
        return html.append("</body>\n</html>\n").toString();
    }

    private static String bracket(SweepValueResult value) {
        Integer low = value.bracket().get(0);
        Integer high = value.bracket().get(1);
        if (low == null && high == null) {
            return "–";
        }
        return "[" + (low == null ? "–" : low) + ", " + (high == null ? "above the search's maximum" : high) + ")";
    }
}
