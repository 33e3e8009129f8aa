package dev.emm.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import dev.emm.core.sweep.SweepResult;
import dev.emm.core.sweep.SweepStatus;
import dev.emm.core.sweep.SweepValueResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** A finished two-value sweep: resolution 8 bracketed [20, 40), resolution 16 above its maximum 80. */
class SweepReportTest {

    private static final SweepResult SWEEP = new SweepResult("res-1a2b", "res", "data.resolution",
            SweepStatus.FINISHED, 0.9, List.of(
                    new SweepValueResult(IntNode.valueOf(8), "res-1a2b-v0", ExperimentStatus.BRACKETED, 20,
                            Arrays.asList(20, 40), List.of(point(10, 1.0), point(20, 0.95), point(40, 0.5)), null),
                    new SweepValueResult(IntNode.valueOf(16), "res-1a2b-v1", ExperimentStatus.ABOVE_MAX, 80,
                            Arrays.asList(80, null), List.of(point(10, 1.0), point(20, 1.0), point(40, 0.97),
                                    point(80, 0.92)), null)));

    private static SizePoint point(int size, double ratio) {
        return new SizePoint(size, ratio, Math.max(0, ratio - 0.05), Math.min(1, ratio + 0.03));
    }

    private static String html() {
        return SweepReport.html(SWEEP, id -> id + ".html");
    }

    @Test
    void theTableGivesEmmAndBracketPerValueWithALinkToEachMembersReport() {
        String html = html();
        assertTrue(html.contains("<tr class=\"sweep-value\" data-value=\"8\" data-emm=\"20\">"), html);
        assertTrue(html.contains("<tr class=\"sweep-value\" data-value=\"16\" data-emm=\"80\">"));
        assertTrue(html.contains("<td class=\"bracket\">[20, 40)</td>"));
        assertTrue(html.contains("<td class=\"bracket\">[80, above the search's maximum)</td>"));
        assertTrue(html.contains("<a href=\"res-1a2b-v0.html\">res-1a2b-v0</a>"));
        assertTrue(html.contains("<a href=\"res-1a2b-v1.html\">res-1a2b-v1</a>"));
        assertTrue(html.contains("Status <b>finished</b>"));
    }

    @Test
    void oneChartDrawsEveryValuesCurveOnOneLogAxisWithTheThreshold() throws Exception {
        String html = html();
        assertEquals(1, count(html, "<svg "), "one chart");
        Element svg = svg(html);
        NodeList series = svg.getElementsByTagName("polyline");
        assertEquals(2, series.getLength(), "one curve per value");
        Scale x = Scale.logarithmic(10 / RatioChart.PADDING, 80 * RatioChart.PADDING, Svg.LEFT, Svg.RIGHT);
        Scale y = RatioChart.yScale();
        List<double[]> first = vertices((Element) series.item(0));
        List<double[]> second = vertices((Element) series.item(1));
        assertEquals(3, first.size());
        assertEquals(4, second.size());
        assertEquals(x.at(40), first.get(2)[0], 0.01, "log position of |D| = 40");
        assertEquals(y.at(0.5), first.get(2)[1], 0.01);
        assertEquals(x.at(80), second.get(3)[0], 0.01, "both curves share the axis over all sizes");
        assertEquals(y.at(0.92), second.get(3)[1], 0.01);
        assertTrue(((Element) series.item(0)).getAttribute("style").contains(SweepChart.COLOURS.get(0)));
        assertTrue(((Element) series.item(1)).getAttribute("style").contains(SweepChart.COLOURS.get(1)));
        NodeList groups = svg.getElementsByTagName("g");
        List<String> values = new ArrayList<>();
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            if (group.getAttribute("class").equals("series")) {
                values.add(group.getAttribute("data-value") + "@" + group.getAttribute("data-experiment"));
            }
        }
        assertEquals(List.of("8@res-1a2b-v0", "16@res-1a2b-v1"), values);
        assertEquals(1, count(html, "<line class=\"threshold\""));
        assertTrue(html.contains("data-value=\"0.900\""), "the 1 - eps line at 0.9");
        assertEquals(7, count(html, "<g class=\"sweep-point\""), "every measured size of every value");
    }

    @Test
    void aSweepWithNothingMeasuredSaysSoInsteadOfAnEmptyChart() {
        SweepResult fresh = new SweepResult("s", "s", "training.seed", SweepStatus.RUNNING, 0.9, List.of(
                new SweepValueResult(IntNode.valueOf(0), "s-v0", ExperimentStatus.RUNNING, null,
                        Arrays.asList(null, null), List.of(), null)));
        String html = SweepReport.html(fresh, id -> id);
        assertEquals(0, count(html, "<svg "));
        assertTrue(html.contains("No size has been measured yet."));
        assertTrue(html.contains("<td class=\"emm\">–</td><td class=\"bracket\">–</td>"));
    }

    private static List<double[]> vertices(Element polyline) {
        List<double[]> vertices = new ArrayList<>();
        for (String pair : polyline.getAttribute("points").split(" ")) {
            String[] xy = pair.split(",");
            vertices.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return vertices;
    }

    private static Element svg(String html) throws Exception {
        int start = html.indexOf("<svg id=\"" + SweepChart.ID + "\"");
        assertTrue(start >= 0, "the sweep chart");
        String fragment = html.substring(start, html.indexOf("</svg>", start) + "</svg>".length());
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(fragment.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
