package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns successive experiment views into progress lines: the sizes measured so far with their
 * ratios, and a bar per run in training. A line is printed when the search moved, or when training
 * progressed and the last line is older than {@link #TRAINING_LINE_INTERVAL_NANOS}.
 */
public final class ProgressPrinter {

    private static final int BAR_WIDTH = 20;
    private static final long TRAINING_LINE_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private String lastLine = "";
    private String lastSearchState = "";
    private long lastPrintNanos;

    public ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    public void show(JsonNode view) {
        String line = describe(view);
        String searchState = view.path("status").asText() + view.path("points") + view.path("probing");
        long now = System.nanoTime();
        boolean searchMoved = !searchState.equals(lastSearchState);
        if (searchMoved || (!line.equals(lastLine) && now - lastPrintNanos >= TRAINING_LINE_INTERVAL_NANOS)) {
            out.printf(Locale.ROOT, "[%5.0fs] %s%n", (now - startNanos) / 1e9, line);
            lastLine = line;
            lastSearchState = searchState;
            lastPrintNanos = now;
        }
    }

    public static String describe(JsonNode view) {
        List<String> parts = new ArrayList<>();
        parts.add(view.path("status").asText());
        List<String> measured = new ArrayList<>();
        view.path("points").forEach(point -> measured.add(String.format(Locale.ROOT, "|D|=%d: %.3f",
                point.path("size").asInt(), point.path("ratio").asDouble())));
        if (!measured.isEmpty()) {
            parts.add("measured " + String.join(", ", measured));
        }
        List<String> probing = new ArrayList<>();
        view.path("probing").forEach(size -> probing.add(size.asText()));
        if (!probing.isEmpty()) {
            parts.add("probing |D| = " + String.join(", ", probing));
        }
        view.path("training").forEach(run -> parts.add(trainingBar(run)));
        if (view.hasNonNull("message")) {
            parts.add(view.path("message").asText());
        }
        return String.join(" | ", parts);
    }

    private static String trainingBar(JsonNode run) {
        long total = Math.max(1, run.path("totalSteps").asLong());
        double fraction = Math.min(1.0, run.path("step").asDouble() / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String eta = run.path("etaSeconds").asDouble() < 0 ? "?" : String.format(Locale.ROOT, "%.0fs",
                run.path("etaSeconds").asDouble());
        return String.format(Locale.ROOT, "%s [%s%s] %3.0f%% loss %.4f %.0f img/s ETA %s", run.path("runId").asText(),
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), 100 * fraction, run.path("loss").asDouble(),
                run.path("imagesPerSecond").asDouble(), eta);
    }
}
