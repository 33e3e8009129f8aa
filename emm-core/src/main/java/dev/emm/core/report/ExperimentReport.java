package dev.emm.core.report;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.orchestration.RunRecord;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.training.TrainingLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One self-contained HTML page per experiment: no script, no request at view time (charts are
 * inline SVG, images PNG data URIs). In order: the answer and the ratio-vs-|D| chart, per run the
 * ratio per snapshot, the training loss curve (network runs, from the run's stored training log)
 * and, for its best snapshot, the histogram of d1/d2 and a grid of samples beside their two
 * nearest training images, the compute spent ({@link ComputeTable}), and the resolved spec. Reads
 * the experiment's objects through {@code store} (keys of {@link StorageLayout}).
 */
public final class ExperimentReport {

    private ExperimentReport() {
    }

    public static String html(ExperimentState state, Function<String, Optional<byte[]>> store) {
        ExperimentSpec spec = state.spec();
        double threshold = spec.search().threshold();
        List<SizePoint> points = state.points();
        EmmResult result = state.result();
        Integer bracketLow = result == null ? null : result.bracket().get(0);
        Integer bracketHigh = result == null ? null : result.bracket().get(1);
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<link rel=\"icon\" href=\"data:,\">\n<title>EMM report: ").append(Svg.escape(state.experimentId()))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>EMM report: ").append(Svg.escape(state.experimentId())).append("</h1>\n");
        html.append("<p id=\"answer\" class=\"answer\">").append(answer(state, threshold)).append("</p>\n");
        html.append("<section id=\"ratio-vs-size\"><h2>Memorization ratio against |D|</h2>\n");
        if (points.isEmpty()) {
            html.append("<p>No size has been measured yet.</p>\n");
        } else {
            html.append(RatioChart.svg(points, threshold, bracketLow, bracketHigh));
            html.append("<p class=\"note\">Each point is a run's best snapshot; bars are 95% Wilson intervals; the "
                    + "dashed line is 1 - eps; the shaded band is the EMM bracket.</p>\n");
            html.append(pointsTable(state));
        }
        html.append("</section>\n");
        List<RunRecord> runs = state.runs().values().stream().sorted(Comparator.comparingInt(RunRecord::size)).toList();
        Map<String, TrainingLog> logs = new HashMap<>();
        for (RunRecord run : runs) {
            store.apply(StorageLayout.runTrainingLog(state.experimentId(), run.runId()))
                    .ifPresent(bytes -> logs.put(run.runId(), Json.read(bytes, TrainingLog.class)));
        }
        html.append("<section id=\"runs\"><h2>Runs</h2>\n");
        for (RunRecord run : runs) {
            html.append(runSection(state.experimentId(), run, logs.get(run.runId()), spec, threshold, store));
        }
        html.append("</section>\n");
        html.append(ComputeTable.html(spec, runs, logs));
        html.append("<section id=\"spec\"><h2>Spec (resolved)</h2>\n<pre>").append(Svg.escape(Json.toPrettyString(spec)))
                .append("</pre></section>\n");
        return html.append("</body>\n</html>\n").toString();
    }

    private static String answer(ExperimentState state, double threshold) {
        EmmResult result = state.result();
        ExperimentStatus status = result == null ? state.status() : result.status();
        StringBuilder text = new StringBuilder("Status <b>").append(status).append("</b>");
        if (result != null && result.emm() != null) {
            text.append(": EMM = <b>").append(result.emm()).append("</b>, bracket [").append(result.bracket().get(0))
                    .append(", ").append(result.bracket().get(1) == null ? "above the search's maximum"
                            : result.bracket().get(1)).append(")");
        }
        if (result != null && result.message() != null) {
            text.append(" (").append(Svg.escape(result.message())).append(")");
        }
        return text.append(". A model memorizes when its ratio is at least 1 - eps = ").append(Svg.ratio(threshold))
                .append(".").toString();
    }

    private static String pointsTable(ExperimentState state) {
        StringBuilder table = new StringBuilder("<table class=\"points\"><tr><th>|D|</th><th>ratio</th>"
                + "<th>95% Wilson</th><th>memorized</th><th>best snapshot</th></tr>\n");
        state.runs().values().stream().filter(RunRecord::complete).sorted(Comparator.comparingInt(RunRecord::size))
                .forEach(run -> run.bestSnapshot().ifPresent(best -> {
                    MemorizationSummary summary = run.snapshots().get(best);
                    table.append("<tr><td>").append(run.size()).append("</td><td>").append(Svg.ratio(summary.ratio()))
                            .append("</td><td>[").append(Svg.ratio(summary.ciLow())).append(", ")
                            .append(Svg.ratio(summary.ciHigh())).append("]</td><td>").append(summary.memorizedCount())
                            .append(" / ").append(summary.sampleCount()).append("</td><td>").append(best)
                            .append("</td></tr>\n");
                }));
        return table.append("</table>\n").toString();
    }

    private static String runSection(String experimentId, RunRecord run, TrainingLog log, ExperimentSpec spec,
            double threshold, Function<String, Optional<byte[]>> store) {
        String runId = run.runId();
        StringBuilder html = new StringBuilder("<section class=\"run\" id=\"run-").append(Svg.escape(runId))
                .append("\" data-size=\"").append(run.size()).append("\">\n<h3>|D| = ").append(run.size())
                .append(" <span class=\"run-id\">").append(Svg.escape(runId)).append("</span></h3>\n");
        Optional<Integer> best = run.bestSnapshot();
        if (best.isEmpty()) {
            return html.append("<p>No snapshot measured yet.</p>\n").append(lossCurve(runId, log, spec))
                    .append("</section>\n").toString();
        }
        SortedMap<Integer, MemorizationSummary> snapshots = new TreeMap<>(run.snapshots());
        html.append("<h4>Ratio per snapshot</h4>\n")
                .append(SnapshotChart.svg("snapshots-" + runId, snapshots, best.get(), threshold));
        html.append(lossCurve(runId, log, spec));
        int snapshot = best.get();
        Optional<byte[]> samples = store.apply(StorageLayout.snapshotSamples(experimentId, runId, snapshot));
        Optional<byte[]> distances = store.apply(StorageLayout.snapshotDistances(experimentId, runId, snapshot));
        Optional<byte[]> training = store.apply(StorageLayout.runTrainingSubset(experimentId, runId));
        if (samples.isEmpty() || distances.isEmpty() || training.isEmpty()) {
            return html.append("<p>The samples, distances or training subset of snapshot ").append(snapshot)
                    .append(" are not in the store.</p>\n</section>\n").toString();
        }
        NeighbourDistances neighbours = NeighbourDistances.fromBytes(distances.get());
        html.append("<h4>d1/d2 of snapshot ").append(snapshot).append(" (best)</h4>\n")
                .append(DistanceRatioHistogram.svg("histogram-" + runId, neighbours));
        html.append("<h4>Samples of snapshot ").append(snapshot).append(": ").append(neighbours.memorizedCount())
                .append(" of ").append(neighbours.size()).append(" memorized; the first ")
                .append(Math.min(SampleGrid.SHOWN, neighbours.size()))
                .append(", each beside its nearest and second-nearest training image</h4>\n")
                .append(SampleGrid.html("grid-" + runId, images(samples.get()), images(training.get()), neighbours));
        return html.append("</section>\n").toString();
    }

    /** The run's training loss from its stored log; nothing for the optimum, which is not trained. */
    private static String lossCurve(String runId, TrainingLog log, ExperimentSpec spec) {
        if (spec.model().isOptimum()) {
            return "";
        }
        if (log == null || log.points().isEmpty()) {
            return "<p class=\"note\">Training loss: no progress report stored yet.</p>\n";
        }
        return "<h4>Training loss</h4>\n" + LossChart.svg("loss-" + runId, log);
    }

    private static ImageSet images(byte[] bytes) {
        try {
            return ImageSetCodec.fromBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reports' one style sheet ({@link SweepReport} uses it too). */
    static final String STYLE = """
            body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1000px; color: #1f2328; }
            h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 1px solid #d0d7de; }
            h3 { font-size: 16px; margin-top: 28px; } h4 { font-size: 14px; margin: 14px 0 4px; }
            .run-id { font-weight: normal; color: #57606a; font-family: monospace; }
            .answer { font-size: 16px; } .note { color: #57606a; }
            table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 8px; text-align: right; }
            table.compute td, table.compute th { font-size: 12px; padding: 2px 5px; }
            svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
            svg .grid { stroke: #eaeef2; } svg .frame { fill: none; stroke: #8c959f; }
            svg .bracket { fill: #fde68a; opacity: 0.6; } svg .threshold { stroke: #cf222e; stroke-dasharray: 6 4; }
            svg .threshold-label { fill: #cf222e; } svg .curve { fill: none; stroke: #0969da; stroke-width: 1.5; }
            svg .point circle { fill: #0969da; } svg .point.best circle { fill: #bf3989; }
            svg .ci { stroke: #0969da; stroke-width: 2; } svg .bin { fill: #8c959f; } svg .bin.memorized { fill: #bf3989; }
            svg .axis-title { fill: #57606a; } svg .tick-mark { stroke: #8c959f; }
            .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
            .pair { margin: 0; padding: 4px; border: 2px solid #d0d7de; border-radius: 4px; text-align: center; }
            .pair.memorized { border-color: #bf3989; background: #fbefff; }
            .pair img { width: 64px; height: 64px; image-rendering: pixelated; margin: 1px; }
            .pair figcaption { font-size: 12px; }
            .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; }
            pre { background: #f6f8fa; padding: 8px; overflow: auto; }
            """;
}
