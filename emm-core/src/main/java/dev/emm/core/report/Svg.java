package dev.emm.core.report;

import java.util.Locale;

/** Text and numbers as the report's SVG and HTML write them. */
final class Svg {

    /** Every chart's frame: the plot area inside the margins, in SVG user units. */
    static final int WIDTH = 720;
    static final int HEIGHT = 340;
    static final int LEFT = 64;
    static final int RIGHT = WIDTH - 20;
    static final int TOP = 20;
    static final int BOTTOM = HEIGHT - 52;

    private Svg() {
    }

    /** Coordinates with two decimals, always with a dot. */
    static String num(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String open(String id, String label) {
        return "<svg id=\"" + escape(id) + "\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
                + WIDTH + " " + HEIGHT + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" role=\"img\" aria-label=\""
                + escape(label) + "\">\n";
    }

    /** Horizontal grid lines and labels of a [0, 1] y axis. */
    static void ratioAxis(StringBuilder svg, Scale y, String title) {
        for (int tick = 0; tick <= 5; tick++) {
            double value = tick / 5.0;
            String at = num(y.at(value));
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT)
                    .append("\" y1=\"").append(at).append("\" y2=\"").append(at).append("\"/>\n");
            svg.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(num(y.at(value) + 4))
                    .append("\" text-anchor=\"end\">").append(String.format(Locale.ROOT, "%.1f", value)).append("</text>\n");
        }
        svg.append("<text class=\"axis-title\" transform=\"translate(16 ").append(num((TOP + BOTTOM) / 2.0))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(escape(title)).append("</text>\n");
    }

    static void xTitle(StringBuilder svg, String title) {
        svg.append("<text class=\"axis-title\" x=\"").append(num((LEFT + RIGHT) / 2.0)).append("\" y=\"")
                .append(HEIGHT - 8).append("\" text-anchor=\"middle\">").append(escape(title)).append("</text>\n");
    }

    static void frame(StringBuilder svg) {
        svg.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(RIGHT - LEFT).append("\" height=\"").append(BOTTOM - TOP).append("\"/>\n");
    }

    static void thresholdLine(StringBuilder svg, Scale y, double threshold) {
        String at = num(y.at(threshold));
        svg.append("<line class=\"threshold\" x1=\"").append(LEFT).append("\" x2=\"").append(RIGHT).append("\" y1=\"")
                .append(at).append("\" y2=\"").append(at).append("\" data-value=\"").append(ratio(threshold))
                .append("\"/>\n");
        svg.append("<text class=\"threshold-label\" x=\"").append(RIGHT - 4).append("\" y=\"")
                .append(num(y.at(threshold) - 5)).append("\" text-anchor=\"end\">1 - eps = ").append(ratio(threshold))
                .append("</text>\n");
    }
}
