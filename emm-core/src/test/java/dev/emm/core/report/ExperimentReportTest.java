package dev.emm.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.events.StageTime;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.orchestration.RunRecord;
import dev.emm.core.search.EarlyStop;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SearchCostModel;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.training.TrainingLog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The report of a constructed experiment: three sizes, bracket [20, 40), one run with stored samples. */
class ExperimentReportTest {

    private static final String ID = "report-test-1";
    private static final int DIMENSION = 16;
    private static final int SAMPLES = 40;

    private final Map<String, byte[]> store = new HashMap<>();
    private final ImageSet training = randomImages(20, new Random(1));
    private final ImageSet samples = samplesCopyingEveryThird(training, new Random(2));
    private final NeighbourDistances distances = MemorizationMetric.nearestTwo(samples, training);

    @Test
    void ratioChartHasOnePointPerSizeAtItsLogPositionWithWilsonBars() throws Exception {
        ExperimentState state = state();
        Element svg = svg(report(state), RatioChart.ID);
        NodeList groups = svg.getElementsByTagName("g");
        assertEquals(3, groups.getLength());
        double low = 10 / RatioChart.PADDING;
        double high = 40 * RatioChart.PADDING;
        for (int i = 0; i < groups.getLength(); i++) {
            Element point = (Element) groups.item(i);
            int size = Integer.parseInt(point.getAttribute("data-size"));
            MemorizationSummary summary = state.runs().get(size).snapshots().get(1);
            double x = Svg.LEFT + Math.log(size / low) / Math.log(high / low) * (Svg.RIGHT - Svg.LEFT);
            Element circle = (Element) point.getElementsByTagName("circle").item(0);
            Element bar = (Element) point.getElementsByTagName("line").item(0);
            assertEquals(x, attribute(circle, "cx"), 0.006, "x of |D| = " + size);
            assertEquals(y(summary.ratio()), attribute(circle, "cy"), 0.006);
            assertEquals(x, attribute(bar, "x1"), 0.006);
            assertEquals(y(summary.ciLow()), attribute(bar, "y1"), 0.006, "bar bottom = Wilson low at " + size);
            assertEquals(y(summary.ciHigh()), attribute(bar, "y2"), 0.006, "bar top = Wilson high at " + size);
        }
        assertEquals(List.of(10, 20, 40), sizesInOrder(groups));
        Element bracket = first(svg, "rect", "bracket");
        double x20 = Svg.LEFT + Math.log(20 / low) / Math.log(high / low) * (Svg.RIGHT - Svg.LEFT);
        double x40 = Svg.LEFT + Math.log(40 / low) / Math.log(high / low) * (Svg.RIGHT - Svg.LEFT);
        assertEquals(x20, attribute(bracket, "x"), 0.006);
        assertEquals(x40 - x20, attribute(bracket, "width"), 0.011);
        Element threshold = first(svg, "line", "threshold");
        assertEquals(y(0.9), attribute(threshold, "y1"), 0.006);
    }

    @Test
    void gridShowsTheFirstSamplesBesideBothNeighboursAndCountsTheMetricsMemorized() {
        String html = report(state());
        Matcher grid = Pattern.compile("<div id=\"grid-" + ID + "-n20-s0\" class=\"grid\" data-shown=\"(\\d+)\" "
                + "data-memorized-shown=\"(\\d+)\" data-memorized=\"(\\d+)\" data-samples=\"(\\d+)\">").matcher(html);
        assertTrue(grid.find(), "grid of the run with stored samples");
        assertEquals(SampleGrid.SHOWN, Integer.parseInt(grid.group(1)));
        int memorizedShown = 0;
        for (int i = 0; i < SampleGrid.SHOWN; i++) {
            memorizedShown += distances.memorized(i) ? 1 : 0;
        }
        assertTrue(memorizedShown > 0 && memorizedShown < SampleGrid.SHOWN, "both kinds shown: " + memorizedShown);
        assertEquals(memorizedShown, Integer.parseInt(grid.group(2)));
        assertEquals(distances.memorizedCount(), Integer.parseInt(grid.group(3)));
        assertEquals(SAMPLES, Integer.parseInt(grid.group(4)));
        Matcher pairs = Pattern.compile("<figure class=\"pair( memorized)?\" data-sample=\"(\\d+)\" data-nearest=\"(\\d+)\" "
                + "data-second=\"(\\d+)\">((?:<img src=\"data:image/png;base64,[A-Za-z0-9+/=]+\"[^>]*>){3})").matcher(html);
        int figures = 0;
        int marked = 0;
        while (pairs.find()) {
            int sample = Integer.parseInt(pairs.group(2));
            assertEquals(distances.nearestIndex()[sample], Integer.parseInt(pairs.group(3)));
            int second = Integer.parseInt(pairs.group(4));
            assertFalse(second == distances.nearestIndex()[sample]);
            assertEquals(distances.secondSquared()[sample], squaredDistance(samples.image(sample), training.image(second)),
                    "the second-nearest image is at the stored d2 of sample " + sample);
            assertEquals(distances.memorized(sample), pairs.group(1) != null);
            marked += pairs.group(1) != null ? 1 : 0;
            figures++;
        }
        assertEquals(SampleGrid.SHOWN, figures);
        assertEquals(memorizedShown, marked);
    }

    @Test
    void histogramBinsLeftOfOneThirdAddUpToTheMemorizedCount() throws Exception {
        Element svg = svg(report(state()), "histogram-" + ID + "-n20-s0");
        NodeList bins = svg.getElementsByTagName("rect");
        int left = 0;
        int all = 0;
        int bars = 0;
        for (int i = 0; i < bins.getLength(); i++) {
            Element bin = (Element) bins.item(i);
            if (bin.getAttribute("class").startsWith("bin")) {
                int count = Integer.parseInt(bin.getAttribute("data-count"));
                all += count;
                left += bin.getAttribute("class").contains("memorized") ? count : 0;
                bars++;
            }
        }
        assertEquals(DistanceRatioHistogram.BINS, bars);
        assertEquals(SAMPLES, all);
        assertEquals(distances.memorizedCount(), left);
        double third = attribute(first(svg, "line", "threshold"), "x1");
        assertEquals(Svg.LEFT + (Svg.RIGHT - Svg.LEFT) / 3.0, third, 0.006);
    }

    @Test
    void pageIsSelfContainedAndSaysWhatIsNotStored() {
        String html = report(state());
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").matches("(?s).*(src|href)=\"https?:.*"),
                "nothing fetched at view time");
        assertFalse(html.contains("Training loss"), "the optimum is not trained");
        assertTrue(html.contains("EMM = <b>20</b>, bracket [20, 40)"), "the answer");
        assertTrue(html.contains("&quot;kind&quot; : &quot;optimum&quot;"), "the resolved spec");
        assertEquals(3, count(html, "<section class=\"run\""));
        assertTrue(html.contains("The samples, distances or training subset of snapshot 1 are not in the store."),
                "runs without stored samples say so");
    }

    @Test
    void networkRunsCountTheImagesOfTheirSchedule() {
        ExperimentSpec spec = SpecValidator.validated(Json.read("""
                {"data": {"dataset": "mnist", "resolution": 16},
                 "model": {"kind": "ddpmpp"},
                 "training": {"durationUnit": "steps", "duration": 100, "batchSize": 8, "snapshotEveryImages": 200}}
                """, ExperimentSpec.class));
        RunRecord ended = RunRecord.started(16, "x-n16-s0").withSnapshot(1, false, MemorizationSummary.of(1, 2))
                .withSnapshot(2, false, MemorizationSummary.of(1, 2)).withSnapshot(3, false, MemorizationSummary.of(1, 2))
                .withSnapshot(4, false, MemorizationSummary.of(1, 2)).withSnapshot(5, true, MemorizationSummary.of(1, 2));
        assertEquals(800, ComputeTable.imagesTrained(spec, ended), "100 steps of 8");
        RunRecord stopped = RunRecord.started(16, "x-n16-s0").withSnapshot(1, false, MemorizationSummary.of(1, 2))
                .withSnapshot(2, false, MemorizationSummary.of(2, 2));
        assertEquals(400, ComputeTable.imagesTrained(spec, stopped), "two snapshots of 200 images");
    }

    @Test
    void computeTableSumsImagesAndStageTimesAndPricesThePapersGridOverTheSameSizesWithTheCostModel() {
        ExperimentState state = networkState();
        store.put(StorageLayout.runTrainingLog("x", "x-n16-s0"), Json.toBytes(lossLog("x-n16-s0").spent(
                new StageTime(10, 30))));
        store.put(StorageLayout.runTrainingLog("x", "x-n32-s0"), Json.toBytes(TrainingLog.start("x-n32-s0")
                .spent(new StageTime(20.5, 50.5))));
        String html = report(state);
        assertEquals(400, cell(html, "x-n16-s0"), "two snapshots of 200 images");
        assertEquals(1600, cell(html, "x-n32-s0"), "50 epochs of 32 images");
        assertEquals(2000, rowNumber(html, "total"));
        long grid = SearchCostModel.of(state.spec().training()).grid(List.of(16, 32));
        assertEquals(50 * 16 + 50 * 32, grid);
        assertEquals(grid, rowNumber(html, "grid-cost"), "the cost model's figure for the measured sizes");
        assertTrue(html.contains("<td class=\"share\" colspan=\"8\">this search trained 0.83 of the grid's images"),
                "2000 / 2400");
        assertEquals(List.of("10.0", "30.0", "2.0", "6.5", "1.0", "1.5", "13.0", "38.0"),
                seconds(html, "<tr class=\"run\" data-run=\"x-n16-s0\">"));
        assertEquals(List.of("20.5", "50.5", "–", "–", "0.5", "0.5", "21.0", "51.0"),
                seconds(html, "<tr class=\"run\" data-run=\"x-n32-s0\">"), "sampling not recorded");
        assertEquals(List.of("30.5", "80.5", "2.0", "6.5", "1.5", "2.0", "34.0", "89.0"),
                seconds(html, "<tr class=\"total\">"));
    }

    @Test
    void lossCurveDrawsEveryStoredLossAgainstItsImagesTrained() throws Exception {
        ExperimentState state = networkState();
        TrainingLog log = lossLog("x-n16-s0");
        store.put(StorageLayout.runTrainingLog("x", "x-n16-s0"), Json.toBytes(log));
        String html = report(state);
        Element svg = svg(html, "loss-x-n16-s0");
        Element curve = first(svg, "polyline", "curve loss");
        String[] pairs = curve.getAttribute("points").split(" ");
        assertEquals(log.points().size(), pairs.length);
        assertEquals(Integer.toString(log.points().size()), curve.getAttribute("data-points"));
        double lastImages = 400;
        double top = 0.8 * LossChart.HEADROOM;
        for (int i = 0; i < pairs.length; i++) {
            TrainingLog.LossPoint point = log.points().get(i);
            String[] xy = pairs[i].split(",");
            assertEquals(Svg.LEFT + point.images() / lastImages * (Svg.RIGHT - Svg.LEFT), Double.parseDouble(xy[0]), 0.006,
                    "x of point " + i);
            assertEquals(Svg.BOTTOM - point.loss() / top * (Svg.BOTTOM - Svg.TOP), Double.parseDouble(xy[1]), 0.006,
                    "y of loss " + point.loss());
        }
        assertTrue(html.contains("Training loss: no progress report stored yet."), "the run without a log says so");
        assertEquals(1, count(html, "<svg id=\"loss-"));
    }

    /** A network experiment: |D| = 16 decided early at snapshot 2, |D| = 32 measured to its 8th and last. */
    private static ExperimentState networkState() {
        ExperimentSpec spec = SpecValidator.validated(Json.read("""
                {"data": {"dataset": "mnist", "resolution": 16},
                 "model": {"kind": "ddpmpp"},
                 "training": {"durationUnit": "epochs", "duration": 50, "batchSize": 8, "snapshotEveryImages": 200}}
                """, ExperimentSpec.class));
        RunRecord stopped = RunRecord.started(16, "x-n16-s0").withSnapshot(1, false, MemorizationSummary.of(1, 2))
                .withSnapshot(2, false, MemorizationSummary.of(2, 2))
                .withStageTimes(new StageTime(2, 6.5), new StageTime(1, 1.5))
                .decided(new EarlyStop.Decision(EarlyStop.Verdict.MEMORIZING, 2));
        RunRecord ended = RunRecord.started(32, "x-n32-s0");
        for (int snapshot = 1; snapshot <= 8; snapshot++) {
            ended = ended.withSnapshot(snapshot, snapshot == 8, MemorizationSummary.of(0, 2));
        }
        ended = ended.withStageTimes(null, new StageTime(0.5, 0.5));
        return new ExperimentState(ExperimentState.VERSION, "x", spec, ExperimentStatus.RUNNING, List.of(16, 32),
                Map.of(16, stopped, 32, ended), null, null);
    }

    /** Five reports of |D| = 16's 50 steps of 8 images up to its stop at 400 images; the highest loss 0.8. */
    private static TrainingLog lossLog(String runId) {
        TrainingLog log = TrainingLog.start(runId);
        double[] losses = {0.8, 0.5, 0.31, 0.27, 0.25};
        for (int i = 0; i < losses.length; i++) {
            long step = 10L * (i + 1);
            log = log.with(new TrainingLog.LossPoint(step, step * 8, losses[i]));
        }
        return log;
    }

    private static List<String> seconds(String html, String rowStart) {
        int start = html.indexOf(rowStart);
        assertTrue(start >= 0, rowStart);
        String row = html.substring(start, html.indexOf("</tr>", start));
        List<String> cells = new ArrayList<>();
        Matcher cell = Pattern.compile("<td class=\"(training|sampling|metric|total)-(wall|cpu)\">([^<]*)</td>").matcher(row);
        while (cell.find()) {
            cells.add(cell.group(3));
        }
        return cells;
    }

    @Test
    void aRunningExperimentWithNothingMeasuredYetHasAReportThatSaysSo() {
        ExperimentState finished = state();
        RunRecord training = RunRecord.started(10, ID + "-n10-s0");
        RunRecord halfway = RunRecord.started(20, ID + "-n20-s0").withSnapshot(1, false, distances.summary());
        ExperimentState running = new ExperimentState(ExperimentState.VERSION, ID, finished.spec(), ExperimentStatus.RUNNING,
                List.of(10, 20), Map.of(10, training, 20, halfway), null, null);
        String html = report(running);
        assertTrue(html.contains("Status <b>running</b>. A model memorizes"), "no EMM yet");
        assertTrue(html.contains("No size has been measured yet."), "no complete run, no point");
        assertFalse(html.contains("<svg id=\"" + RatioChart.ID + "\""));
        assertTrue(html.contains("No snapshot measured yet."), "the run in training");
        assertEquals(1, count(html, "<svg id=\"snapshots-" + ID + "-n20-s0\""), "the half-measured run's snapshots");
        assertEquals(1, count(html, "<div id=\"grid-" + ID + "-n20-s0\""), "and its samples");
    }

    private String report(ExperimentState state) {
        return ExperimentReport.html(state, key -> Optional.ofNullable(store.get(key)));
    }

    private ExperimentState state() {
        ExperimentSpec spec = SpecValidator.validated(Json.read("""
                {"name": "report-test", "data": {"dataset": "mnist", "resolution": 8},
                 "model": {"kind": "optimum"}, "search": {"minSize": 10, "maxSize": 640}}
                """, ExperimentSpec.class));
        String run20 = ID + "-n20-s0";
        store.put(StorageLayout.snapshotSamples(ID, run20, 1), ImageSetCodec.toBytes(samples));
        store.put(StorageLayout.snapshotDistances(ID, run20, 1), distances.toBytes());
        store.put(StorageLayout.runTrainingSubset(ID, run20), ImageSetCodec.toBytes(training));
        Map<Integer, RunRecord> runs = Map.of(
                10, RunRecord.started(10, ID + "-n10-s0").withSnapshot(1, true, MemorizationSummary.of(39, 40)),
                20, RunRecord.started(20, run20).withSnapshot(1, true, distances.summary()),
                40, RunRecord.started(40, ID + "-n40-s0").withSnapshot(1, true, MemorizationSummary.of(5, 40)));
        ExperimentState running = new ExperimentState(ExperimentState.VERSION, ID, spec, ExperimentStatus.BRACKETED, List.of(), runs,
                null, true);
        EmmResult result = new EmmResult(ID, ExperimentStatus.BRACKETED, 20, Arrays.asList(20, 40), running.points(), null);
        return new ExperimentState(ExperimentState.VERSION, ID, spec, ExperimentStatus.BRACKETED, List.of(), runs, result, true);
    }

    private static double y(double ratio) {
        return Svg.BOTTOM - ratio * (Svg.BOTTOM - Svg.TOP);
    }

    private static ImageSet randomImages(int count, Random random) {
        byte[] pixels = new byte[count * DIMENSION];
        random.nextBytes(pixels);
        return new ImageSet(1, 4, 4, 1, new int[count], pixels);
    }

    /** Every third sample is a training image; the others are noise. */
    private static ImageSet samplesCopyingEveryThird(ImageSet training, Random random) {
        byte[] pixels = new byte[SAMPLES * DIMENSION];
        random.nextBytes(pixels);
        for (int i = 0; i < SAMPLES; i += 3) {
            System.arraycopy(training.image(i % training.size()), 0, pixels, i * DIMENSION, DIMENSION);
        }
        return new ImageSet(1, 4, 4, 1, new int[SAMPLES], pixels);
    }

    private static long squaredDistance(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += (long) d * d;
        }
        return sum;
    }

    private static Element svg(String html, String id) throws Exception {
        int start = html.indexOf("<svg id=\"" + id + "\"");
        assertTrue(start >= 0, "svg " + id);
        String fragment = html.substring(start, html.indexOf("</svg>", start) + "</svg>".length());
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(fragment.getBytes(StandardCharsets.UTF_8)));
        return document.getDocumentElement();
    }

    private static Element first(Element svg, String tag, String cssClass) {
        NodeList nodes = svg.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element element = (Element) nodes.item(i);
            if (element.getAttribute("class").equals(cssClass)) {
                return element;
            }
        }
        throw new AssertionError("no " + tag + "." + cssClass);
    }

    private static double attribute(Element element, String name) {
        return Double.parseDouble(element.getAttribute(name));
    }

    private static List<Integer> sizesInOrder(NodeList groups) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < groups.getLength(); i++) {
            sizes.add(Integer.parseInt(((Element) groups.item(i)).getAttribute("data-size")));
        }
        return sizes;
    }

    private static long cell(String html, String runId) {
        Matcher row = Pattern.compile("<td>" + Pattern.quote(runId) + "</td>.*?<td class=\"images\">(\\d+)</td>")
                .matcher(html);
        assertTrue(row.find(), "compute row of " + runId);
        return Long.parseLong(row.group(1));
    }

    private static long rowNumber(String html, String cssClass) {
        Matcher row = Pattern.compile("<tr class=\"" + cssClass + "\">.*?<td class=\"images\">(\\d+)</td>")
                .matcher(html);
        assertTrue(row.find(), "row " + cssClass);
        return Long.parseLong(row.group(1));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
