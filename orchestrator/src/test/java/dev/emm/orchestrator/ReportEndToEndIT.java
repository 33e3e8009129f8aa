package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.ReportCommand;
import dev.emm.cli.StoreSource;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.HeadlessChromium;
import dev.emm.testsupport.SharedPipeline;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The report of a finished optimum experiment (|D| = 10, 20, 40; 64 samples each) from the real
 * pipeline: the orchestrator serves what {@code emm report} writes, and headless Chromium opens it
 * with no console message and draws the ratio chart and every run's sample grid; the compute table
 * has the sampling and metric times the events carried. The DOM and a
 * screenshot are kept under target/report-e2e/.
 */
@Tag("slow")
class ReportEndToEndIT {

    private static final int SAMPLES = 64;
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 4600;

    @Test
    void finishedExperimentsReportOpensInChromiumWithItsChartAndSampleGridsDrawn() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        JsonNode result = Experiments.runToEnd(pipeline, Experiments.optimumSpec("report-e2e", 10, 40, SAMPLES),
                Duration.ofMinutes(10));
        assertEquals("above_max", result.path("status").asText(), result.toString());
        String id = result.path("experimentId").asText();
        List<Integer> sizes = new ArrayList<>();
        result.path("points").forEach(point -> sizes.add(point.path("size").asInt()));
        assertEquals(List.of(10, 20, 40), sizes);

        Path directory = Path.of("target", "report-e2e");
        Path file;
        try (StoreSource store = StoreSource.s3(pipeline.stack().storeConfig())) {
            file = ReportCommand.write(id, store, directory);
        }
        assertEquals(pipeline.orchestrator().report(id), Files.readString(file),
                "GET /experiments/{id}/report serves what 'emm report' writes");

        HeadlessChromium chromium = HeadlessChromium.require();
        HeadlessChromium.Page page = chromium.load(file);
        Files.writeString(directory.resolve("dom.html"), page.dom());
        assertEquals(List.of(), page.console(), "console messages while loading the report");
        String dom = page.dom();

        int chartStart = dom.indexOf("<svg id=\"ratio-chart\"");
        assertTrue(chartStart >= 0, "the ratio chart is in the DOM");
        String chart = dom.substring(chartStart, dom.indexOf("</svg>", chartStart));
        assertEquals(sizes, attributes(chart, "<g class=\"point\" data-size=\"(\\d+)\""), "one point per size");
        assertEquals(1, count(chart, "<rect class=\"bracket\""), "the bracket [40, max) is shaded");
        assertEquals(1, count(chart, "<line class=\"threshold\""), "the 1 - eps line");

        Matcher grids = Pattern.compile("<div id=\"grid-[^\"]+\" class=\"grid\" data-shown=\"(\\d+)\" "
                + "data-memorized-shown=\"(\\d+)\" data-memorized=\"(\\d+)\" data-samples=\"(\\d+)\">").matcher(dom);
        List<JsonNode> points = new ArrayList<>();
        result.path("points").forEach(points::add);
        int grid = 0;
        while (grids.find()) {
            JsonNode point = points.get(grid++);
            assertEquals(16, Integer.parseInt(grids.group(1)));
            assertEquals(SAMPLES, Integer.parseInt(grids.group(4)));
            assertEquals(Math.round(point.path("ratio").asDouble() * SAMPLES), Integer.parseInt(grids.group(3)),
                    "the grid's memorized count is the metric's at |D| = " + point.path("size"));
        }
        assertEquals(sizes.size(), grid, "one sample grid per run");
        assertEquals(sizes.size() * 16, count(dom, "<figure class=\"pair"));
        assertEquals(sizes.size() * 16 * 3, count(dom, "<img src=\"data:image/png;base64,"),
                "each shown sample beside its nearest and second-nearest training image");
        for (String stage : List.of("sampling", "metric")) {
            assertEquals(sizes.size() + 1, count(dom, "<td class=\"" + stage + "-wall\">")
                    - count(dom, "<td class=\"" + stage + "-wall\">–"), "every run's " + stage + " time and their total are recorded");
        }
        Matcher references = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(dom);
        while (references.find()) {
            assertTrue(references.group(1).startsWith("data:"), "nothing is fetched at view time: " + references.group(1));
        }

        Path png = directory.resolve("report.png");
        chromium.screenshot(file, png, WIDTH, HEIGHT);
        BufferedImage shot = ImageIO.read(png.toFile());
        assertEquals(WIDTH, shot.getWidth());
        assertEquals(HEIGHT, shot.getHeight());
        // Colours of the report's style sheet: ratio points (#0969da), the bracket (#fde68a at opacity
        // 0.6 over white), and the background of memorized samples' cells (#fbefff).
        assertTrue(pixels(shot, 0x09, 0x69, 0xda, 0) > 3 * 40, "ratio points drawn");
        assertTrue(pixels(shot, 0xfe, 0xf0, 0xb9, 2) > 20_000, "bracket shaded");
        assertTrue(pixels(shot, 0xfb, 0xef, 0xff, 0) > sizes.size() * 16 * 2000, "memorized samples' cells drawn");
    }

    private static int pixels(BufferedImage image, int red, int green, int blue, int tolerance) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xFF) - red) <= tolerance && Math.abs((rgb >> 8 & 0xFF) - green) <= tolerance
                        && Math.abs((rgb & 0xFF) - blue) <= tolerance) {
                    count++;
                }
            }
        }
        return count;
    }

    private static List<Integer> attributes(String text, String regex) {
        List<Integer> values = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            values.add(Integer.parseInt(m.group(1)));
        }
        return values;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
