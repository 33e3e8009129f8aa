package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.search.ExperimentStatus;

/**
 * The last stdout line of {@code emm run} and {@code emm wait}:
 * {@code {"experimentId","status","emm","bracket":[lo,hi],"points":[{"size","ratio","ciLow","ciHigh"}...]}},
 * plus {@code message} when the experiment failed or was cancelled.
 */
public final class ResultLine {

    private ResultLine() {
    }

    public static String of(JsonNode view) {
        ObjectNode line = Json.mapper().createObjectNode();
        line.set("experimentId", view.path("experimentId"));
        line.set("status", view.path("status"));
        line.set("emm", view.path("emm").isMissingNode() ? Json.mapper().nullNode() : view.path("emm"));
        line.set("bracket", view.path("bracket"));
        line.set("points", view.path("points"));
        if (view.hasNonNull("message")) {
            line.set("message", view.path("message"));
        }
        return line.toString();
    }

    public static boolean finished(JsonNode view) {
        return status(view).finished();
    }

    /** No answer: the experiment failed or was cancelled. */
    public static boolean failed(JsonNode view) {
        return status(view).unanswered();
    }

    static ExperimentStatus status(JsonNode view) {
        return ExperimentStatus.fromJsonName(view.path("status").asText());
    }
}
