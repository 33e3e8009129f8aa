package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard, offline: structure, panels, and only known metric names. */
class GrafanaDashboardTest {

    @Test
    void promQlReaderFindsMetricsAndLabels() {
        String expr = "sum by (stage) (rate(emm_stage_duration_seconds_sum{namespace=~\"$namespace\"}[$__rate_interval]))"
                + " / sum by (stage) (rate(emm_stage_duration_seconds_count[5m])) > bool 0.5";
        assertEquals(Set.of("emm_stage_duration_seconds_sum", "emm_stage_duration_seconds_count"),
                PromQl.metricNames(expr));
        assertEquals(Set.of("namespace", "stage"), PromQl.labelNames(expr));
        assertEquals(Set.of("up"), PromQl.metricNames("max without (pod) (up offset 5m) * 1e3"));
        String replaced = "max by (channel) (label_replace(lag{namespace=~\"$namespace\"}, \"channel\", \"$1\","
                + " \"client_id\", \"kafka-consumer-(.*)\"))";
        assertEquals(Set.of("lag"), PromQl.metricNames(replaced));
        assertEquals(Set.of("client_id", "namespace"), PromQl.labelNames(replaced));
    }

    @Test
    void dashboardIsAGrafanaDashboardWithUniqueIdsAndPrometheusTargets() {
        JsonNode d = Dashboard.json();
        assertEquals("emm-pipeline", d.path("uid").asText());
        assertEquals("EMM pipeline", d.path("title").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : Dashboard.panels()) {
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            if (!p.path("type").asText().equals("row")) {
                assertFalse(p.path("targets").isEmpty(), p.path("title") + " has no query");
                assertEquals("${datasource}", p.path("datasource").path("uid").asText(), p.path("title").asText());
                for (JsonNode t : p.path("targets")) {
                    assertFalse(t.path("expr").asText().isBlank());
                }
            }
        }
        assertEquals(List.of("datasource", "namespace", "experiment"),
                d.path("templating").path("list").findValuesAsText("name"));
    }

    @Test
    void dashboardHasThePanelsTheIssueAsksFor() {
        List<String> titles = Dashboard.panels().stream().map(p -> p.path("title").asText()).toList();
        for (String wanted : List.of("Experiments in flight", "Search probes per experiment", "Memorization ratio against |D|",
                "Memorization ratio per training-set size", "Training throughput per run", "Training loss per run",
                "Stage duration (mean)", "Consumer lag per topic", "JVM memory", "Native memory",
                "GPU utilisation")) {
            assertTrue(titles.contains(wanted), "missing panel " + wanted + " in " + titles);
        }
    }

    @Test
    void ratioAgainstSizeIsAnXyChartOfTheSearchsLastRatiosOnALogAxisWithTheExperimentsThresholdLine() {
        JsonNode panel = panel("Memorization ratio against |D|");
        assertEquals("xychart", panel.path("type").asText());
        JsonNode targets = panel.path("targets");
        assertEquals(2, targets.size());
        String ratios = targets.get(0).path("expr").asText();
        String threshold = targets.get(1).path("expr").asText();
        assertEquals(Set.of("emm_search_ratio"), PromQl.metricNames(ratios));
        assertEquals(Set.of("emm_search_threshold"), PromQl.metricNames(threshold));
        for (JsonNode target : targets) {
            assertTrue(target.path("expr").asText().contains("experiment=~\"$experiment\""), target.toString());
            assertTrue(target.path("instant").asBoolean(), "one value per size, not a time series");
            assertEquals("table", target.path("format").asText());
        }
        assertTrue(ratios.startsWith("max by (size) ("), "one point per |D|: " + ratios);
        // The search's series end with the experiment (SearchMeters): each query takes a series'
        // last value within the dashboard's range, so a finished experiment's chart stays drawn.
        assertEquals("max by (size) (last_over_time(emm_search_ratio{namespace=~\"$namespace\","
                + "experiment=~\"$experiment\"}[$__range]))", ratios);
        assertEquals("max(last_over_time(emm_search_threshold{namespace=~\"$namespace\","
                + "experiment=~\"$experiment\"}[$__range]))", threshold);
        JsonNode series = panel.path("options").path("series").get(0);
        assertEquals("size", series.path("x").asText());
        assertEquals("ratio", series.path("y").asText());
        JsonNode sizeAxis = panel.path("fieldConfig").path("overrides").get(0);
        assertEquals("size", sizeAxis.path("matcher").path("options").asText());
        JsonNode scale = null;
        for (JsonNode property : sizeAxis.path("properties")) {
            if (property.path("id").asText().equals("custom.scaleDistribution")) {
                scale = property.path("value");
            }
        }
        assertEquals("log", scale.path("type").asText(), "log x axis");
        assertEquals(2, scale.path("log").asInt());
        JsonNode fromData = panel.path("transformations").get(0);
        assertEquals("configFromData", fromData.path("id").asText());
        assertEquals(targets.get(1).path("refId").asText(), fromData.path("options").path("configRefId").asText());
        assertEquals("threshold1", fromData.path("options").path("mappings").get(0).path("handlerKey").asText(),
                "the 1 - eps line is the experiment's threshold");
        assertEquals("line", panel.path("fieldConfig").path("defaults").path("custom").path("thresholdsStyle")
                .path("mode").asText());
        List<String> conversions = panel.path("transformations").findValuesAsText("targetField");
        assertEquals(List.of("size"), conversions, "the size label becomes the numeric x");
    }

    @Test
    void trainingPanelsShowTheSelectedExperimentsRuns() {
        int training = 0;
        for (Dashboard.Query q : Dashboard.queries()) {
            if (PromQl.metricNames(q.expr()).stream().anyMatch(m -> m.startsWith("emm_training_"))) {
                assertTrue(q.expr().contains("experiment=~\"$experiment\""), q.panel() + ": " + q.expr());
                training++;
            }
        }
        assertEquals(3, training, "throughput, loss and images trained");
    }

    private static JsonNode panel(String title) {
        return Dashboard.panels().stream().filter(p -> p.path("title").asText().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no panel " + title));
    }

    @Test
    void everyQueryUsesOnlyKnownMetricNamesAndExternalOnesAreMarked() {
        List<String> unknown = new ArrayList<>();
        for (Dashboard.Query q : Dashboard.queries()) {
            for (String m : PromQl.metricNames(q.expr())) {
                if (!Dashboard.SERVICE_METRICS.contains(m) && !Dashboard.EXTERNAL_METRICS.contains(m)) {
                    unknown.add(q.panel() + ": " + m);
                }
            }
        }
        assertTrue(unknown.isEmpty(), "unknown metric names: " + unknown);
        for (JsonNode p : Dashboard.panels()) {
            Set<String> used = new LinkedHashSet<>();
            p.path("targets").forEach(t -> used.addAll(PromQl.metricNames(t.path("expr").asText())));
            used.retainAll(Dashboard.EXTERNAL_METRICS);
            if (!used.isEmpty()) {
                String desc = p.path("description").asText();
                assertTrue(desc.contains("External") || desc.contains("not from the services"),
                        p.path("title") + " uses " + used + " but its description does not say they are external");
            }
        }
        assertTrue(Dashboard.metricNames().containsAll(Set.of("emm_memorization_ratio", "emm_training_loss",
                "kafka_consumer_fetch_manager_records_lag_max", "DCGM_FI_DEV_GPU_UTIL")));
    }
}
