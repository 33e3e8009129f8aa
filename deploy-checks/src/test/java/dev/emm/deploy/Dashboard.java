package dev.emm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The Grafana dashboard's panels and queries, and what the services are expected to export. */
final class Dashboard {

    /** Metrics the EMM services export (Micrometer names as Prometheus renders them). */
    static final Set<String> SERVICE_METRICS = Set.of(
            "emm_events_handled_total",
            "emm_stage_duration_seconds_count", "emm_stage_duration_seconds_sum", "emm_stage_duration_seconds_max",
            "emm_memorization_ratio",
            "emm_experiments_in_flight",
            "emm_search_probes_total", "emm_search_ratio", "emm_search_threshold",
            "emm_training_images_per_second", "emm_training_loss", "emm_training_images_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "jvm_memory_used_bytes", "jvm_buffer_memory_used_bytes", "process_cpu_usage");

    /** Metrics from other exporters; the panels that use them say "External". */
    static final Set<String> EXTERNAL_METRICS = Set.of(
            "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", // NVIDIA dcgm-exporter
            "container_memory_working_set_bytes"); // kubelet / cAdvisor

    /** Labels Prometheus adds to every scraped series (not exported by the services). */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "container", "service", "job", "instance",
            "endpoint");

    record Query(String panel, String expr) {
    }

    private Dashboard() {
    }

    static JsonNode json() {
        try {
            return Yaml.JSON.readTree(Yaml.read(Repo.dashboard()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : json().path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    static List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels()) {
            for (JsonNode t : p.path("targets")) {
                out.add(new Query(p.path("title").asText(), t.path("expr").asText()));
            }
        }
        for (JsonNode v : json().path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                String q = v.path("query").path("query").asText(v.path("query").asText());
                out.add(new Query("variable " + v.path("name").asText(),
                        q.replaceFirst("^label_values\\(([^,)]+).*$", "$1")));
            }
        }
        return out;
    }

    static Set<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        queries().forEach(q -> names.addAll(PromQl.metricNames(q.expr())));
        return names;
    }
}
