package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the stack's experiments with their status: EMM and bracket once finished, "
                + "the sizes in training while running; then its sweeps, with EMM per value.")
final class ListCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print GET /experiments as it is (sweeps: GET /sweeps).")
    boolean json;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        JsonNode experiments = orchestrator.client().experiments();
        if (json) {
            System.out.println(Json.toPrettyString(experiments));
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "STATUS", "EMM", "BRACKET", "PROBING"});
        for (JsonNode experiment : experiments) {
            rows.add(new String[] {experiment.path("experimentId").asText(), experiment.path("name").asText(),
                    experiment.path("status").asText(), experiment.path("emm").isNumber()
                            ? experiment.path("emm").asText() : "-",
                    bracket(experiment.path("bracket")), probing(experiment.path("probing"))});
        }
        print(rows);
        JsonNode sweeps = orchestrator.client().sweeps();
        if (!sweeps.isEmpty()) {
            List<String[]> sweepRows = new ArrayList<>();
            sweepRows.add(new String[] {"SWEEP", "NAME", "STATUS", "FACTOR", "EMM PER VALUE"});
            for (JsonNode sweep : sweeps) {
                List<String> values = new ArrayList<>();
                sweep.path("values").forEach(value -> values.add(value.path("value") + ": "
                        + SweepWatcher.valueText(value)));
                sweepRows.add(new String[] {sweep.path("sweepId").asText(), sweep.path("name").asText(),
                        sweep.path("status").asText(), sweep.path("factor").asText(), String.join("; ", values)});
            }
            System.out.println();
            print(sweepRows);
        }
        return 0;
    }

    /** Rows as aligned columns, the last one unpadded. */
    private static void print(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            System.out.println(line.toString().stripTrailing());
        }
    }

    private static String bracket(JsonNode bracket) {
        if (!bracket.isArray() || bracket.size() != 2 || (bracket.get(0).isNull() && bracket.get(1).isNull())) {
            return "-";
        }
        return "[" + end(bracket.get(0)) + ", " + end(bracket.get(1)) + ")";
    }

    private static String end(JsonNode value) {
        return value.isNull() ? "-" : value.asText();
    }

    private static String probing(JsonNode probing) {
        List<String> sizes = new ArrayList<>();
        probing.forEach(size -> sizes.add(size.asText()));
        return sizes.isEmpty() ? "-" : String.join(",", sizes);
    }
}
