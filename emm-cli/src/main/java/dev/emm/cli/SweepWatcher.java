package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Polls a sweep until every value's experiment has ended, printing a line whenever one changes; returns its view. */
public final class SweepWatcher {

    private SweepWatcher() {
    }

    public static JsonNode await(OrchestratorClient client, String sweepId, Duration timeout, PrintStream out,
            Runnable healthCheck) {
        Instant start = Instant.now();
        Instant deadline = start.plus(timeout);
        String last = null;
        while (true) {
            healthCheck.run();
            JsonNode view = client.sweep(sweepId);
            String line = line(view);
            if (!line.equals(last)) {
                out.printf("[%5ds] %s%n", Duration.between(start, Instant.now()).toSeconds(), line);
                last = line;
            }
            if ("finished".equals(view.path("status").asText())) {
                return view;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException("sweep " + sweepId + " did not finish within " + timeout.toMinutes()
                        + " min; its experiments keep running ('emm list')");
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
    }

    /** {@code running | data.resolution=8: above_max EMM 40 | data.resolution=16: running, 2 sizes measured}. */
    static String line(JsonNode view) {
        List<String> parts = new ArrayList<>();
        parts.add(view.path("status").asText());
        for (JsonNode value : view.path("values")) {
            parts.add(view.path("factor").asText() + "=" + value.path("value") + ": " + valueText(value));
        }
        return String.join(" | ", parts);
    }

    /** One value's state: its status, and EMM with the bracket once answered, else the sizes measured. */
    static String valueText(JsonNode value) {
        String status = value.path("status").asText();
        if (value.path("emm").isNumber()) {
            JsonNode bracket = value.path("bracket");
            return status + " EMM " + value.path("emm").asText() + " [" + bracket.path(0).asText() + ", "
                    + (bracket.path(1).isNull() ? "-" : bracket.path(1).asText()) + ")";
        }
        return status + ", " + value.path("points").size() + " size(s) measured";
    }
}
