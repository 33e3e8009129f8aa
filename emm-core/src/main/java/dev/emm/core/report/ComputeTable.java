package dev.emm.core.report;

import dev.emm.core.events.StageTime;
import dev.emm.core.orchestration.RunRecord;
import dev.emm.core.search.SearchCostModel;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.training.TrainingLog;
import dev.emm.core.training.TrainingSchedule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compute an experiment spent, per run and in total: images trained, and wall and CPU
 * seconds of each stage (training from the run's stored {@link TrainingLog}, sampling and the
 * metric from the experiment's state); then what the paper's grid procedure over the same sizes
 * would have trained, priced by {@link SearchCostModel}. A time that was not recorded shows as a
 * dash and adds nothing to a sum.
 */
final class ComputeTable {

    /** The stages in the table's column order; each has a wall and a CPU column. */
    static final List<String> STAGES = List.of("training", "sampling", "metric", "total");

    private ComputeTable() {
    }

    static String html(ExperimentSpec spec, List<RunRecord> runs, Map<String, TrainingLog> logs) {
        boolean optimum = spec.model().isOptimum();
        StringBuilder html = new StringBuilder("<section id=\"compute\"><h2>Compute spent</h2>\n<table class=\"compute\">"
                + "<tr><th rowspan=\"2\">|D|</th><th rowspan=\"2\">run</th><th rowspan=\"2\">snapshots measured</th>"
                + "<th rowspan=\"2\">stopped</th><th rowspan=\"2\">images trained</th>");
        for (String stage : STAGES) {
            html.append("<th colspan=\"2\">").append(stage).append("</th>");
        }
        html.append("</tr>\n<tr>");
        STAGES.forEach(stage -> html.append("<th>wall s</th><th>CPU s</th>"));
        html.append("</tr>\n");
        long totalImages = 0;
        List<StageTime> totals = new ArrayList<>(Collections.nCopies(STAGES.size(), (StageTime) null));
        for (RunRecord run : runs) {
            long images = optimum ? 0 : imagesTrained(spec, run);
            totalImages += images;
            TrainingLog log = logs.get(run.runId());
            List<StageTime> times = stageTimes(log == null ? null : log.training(), run.sampling(), run.metric());
            html.append("<tr class=\"run\" data-run=\"").append(Svg.escape(run.runId())).append("\"><td>")
                    .append(run.size()).append("</td><td>").append(Svg.escape(run.runId())).append("</td><td>")
                    .append(run.snapshots().size()).append("</td><td>").append(stopped(run))
                    .append("</td><td class=\"images\">").append(images).append("</td>");
            for (int i = 0; i < STAGES.size(); i++) {
                seconds(html, STAGES.get(i), times.get(i));
                totals.set(i, StageTime.sum(totals.get(i), times.get(i)));
            }
            html.append("</tr>\n");
        }
        html.append("<tr class=\"total\"><td colspan=\"4\">total</td><td class=\"images\">").append(totalImages)
                .append("</td>");
        for (int i = 0; i < STAGES.size(); i++) {
            seconds(html, STAGES.get(i), totals.get(i));
        }
        html.append("</tr>\n");
        if (!optimum) {
            long grid = gridImages(spec, runs);
            html.append("<tr class=\"grid-cost\"><td colspan=\"4\">the paper's grid over the same sizes</td>"
                    + "<td class=\"images\">").append(grid).append("</td><td class=\"share\" colspan=\"")
                    .append(2 * STAGES.size()).append("\">this search trained ")
                    .append(grid == 0 ? "–" : String.format(Locale.ROOT, "%.2f", (double) totalImages / grid))
                    .append(" of the grid's images</td></tr>\n");
        }
        html.append("</table>\n<p class=\"note\">");
        html.append(optimum ? "The optimal denoiser is closed form: no training."
                : "Images trained up to the run's last measured snapshot, from the training schedule "
                        + "(snapshot every " + spec.training().snapshotEveryImages() + " images). The paper's "
                        + "grid procedure trains every one of these sizes to its end, without early stop.");
        return html.append(" Seconds are wall-clock and the CPU time of the stage's service process (every "
                + "thread; on a GPU the device's time is within the wall seconds): training over every attempt of "
                + "the run, sampling and the metric over the snapshots the search recorded. A dash: not recorded."
                + "</p>\n</section>\n").toString();
    }

    /** Training, sampling, metric and their total; null where not recorded (the total: where none is). */
    static List<StageTime> stageTimes(StageTime training, StageTime sampling, StageTime metric) {
        List<StageTime> times = new ArrayList<>();
        times.add(training);
        times.add(sampling);
        times.add(metric);
        times.add(StageTime.sum(StageTime.sum(training, sampling), metric));
        return times;
    }

    private static void seconds(StringBuilder html, String stage, StageTime time) {
        html.append("<td class=\"").append(stage).append("-wall\">").append(time == null ? "–" : seconds(time.wallSeconds()))
                .append("</td><td class=\"").append(stage).append("-cpu\">")
                .append(time == null ? "–" : seconds(time.cpuSeconds())).append("</td>");
    }

    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String stopped(RunRecord run) {
        return run.decision() == null ? (run.measuredToTheEnd() ? "at its end" : "running")
                : "early at snapshot " + run.decision().snapshot() + " ("
                        + run.decision().verdict().name().toLowerCase(Locale.ROOT) + ")";
    }

    /** The schedule's images up to the last measured snapshot (all of them once the run has ended). */
    static long imagesTrained(ExperimentSpec spec, RunRecord run) {
        long total = TrainingSchedule.of(spec.training(), run.size()).totalImages();
        if (run.measuredToTheEnd() || run.snapshots().isEmpty()) {
            return run.snapshots().isEmpty() ? 0 : total;
        }
        int last = new TreeMap<>(run.snapshots()).lastKey();
        Long every = spec.training().snapshotEveryImages();
        return every == null ? total : Math.min(total, last * every);
    }

    /** The grid procedure over the sizes this experiment measured: each run trained to its end. */
    static long gridImages(ExperimentSpec spec, List<RunRecord> runs) {
        return SearchCostModel.of(spec.training()).grid(runs.stream().map(RunRecord::size).toList());
    }
}
