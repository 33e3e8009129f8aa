package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.deploy.StrictManifests.Manifest;
import dev.emm.localstack.LocalStack;
import dev.emm.localstack.LocalStackSettings;
import dev.emm.store.StoreConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The four services' Quarkus jars, started as the chart starts them (the env names and JAVA_OPTS of
 * the rendered dev Deployments, with a local KRaft broker and S3 store in place of the cluster's),
 * then checked against the chart and the dashboard: the probe paths answer 200, and every metric
 * name and label the Grafana dashboard queries is in some service's /q/metrics while a small
 * optimum search, measured in part, waits behind a training network; the per-experiment gauges
 * (the search's, which the ratio-vs-|D| panel draws, and the metric service's ratios) carry the
 * running experiments' numbers, and are gone once the network is cancelled and the search has
 * finished.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceMetricsLiveTest {

    /** Chart component to service module. */
    private static final Map<String, String> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("orchestrator", "orchestrator");
        SERVICES.put("trainer", "trainer-service");
        SERVICES.put("sampler", "sampler-service");
        SERVICES.put("metric", "metric-service");
    }

    /**
     * Exported only while a DJL model trains (per-step gauges and counters of the training loop);
     * the closed-form optimum this test uses as cheap traffic has no training loop. Checked when
     * present, reported when absent.
     */
    static final Set<String> ONLY_WHILE_A_MODEL_TRAINS = Set.of(
            "emm_training_images_per_second", "emm_training_loss", "emm_training_images_total");

    /**
     * An optimum search over |D| = 10..640 (sizes doubling: seven rounds of one run each, the
     * optimum memorizes at every size), held running with its first sizes measured while the
     * trainer trains {@link #NETWORK_SPEC}.
     */
    private static final String HELD_SPEC = """
            {"name":"deploy-checks-traffic","data":{"dataset":"mnist","resolution":16,"classes":10},
             "model":{"kind":"optimum"},"sampling":{"sampleCount":16,"batchSize":16},
             "search":{"minSize":10,"maxSize":640}}""";

    /**
     * A tiny network at one size that trains until it is cancelled (ten million steps), as
     * emm-test-support's TinyNetworkSpec.of(name, 10), which this module does not depend on.
     */
    private static final String NETWORK_SPEC = """
            {"name":"deploy-checks-network",
             "data":{"dataset":"mnist","resolution":8,"classes":10},
             "model":{"kind":"ddpmpp","modelChannels":16,"channelMult":[1,2],"numBlocks":1,
                      "attnResolutions":[],"dropout":0.0},
             "training":{"preconditioning":"edm","learningRate":0.002,"warmupImages":0,"batchSize":64,
                         "capBatchAtDatasetSize":true,"emaDecay":0.0,"durationUnit":"steps","duration":10000000},
             "sampling":{"sampleCount":100,"batchSize":100},
             "search":{"minSize":10,"maxSize":10}}""";

    /** The per-experiment meters: name, labels, value. */
    private static final Pattern PER_EXPERIMENT = Pattern.compile(
            "(?m)^(emm_search_ratio|emm_search_threshold|emm_search_probes_total|emm_memorization_ratio)\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern LABEL_VALUE = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private static Path work;
    private static LocalStack stack;
    private static List<Manifest> chart;
    private static final Map<String, Process> processes = new LinkedHashMap<>();
    private static final Map<String, Integer> ports = new LinkedHashMap<>();
    private static String heldId;
    private static String networkId;

    @BeforeAll
    static void startStackAndServices() throws Exception {
        for (String module : SERVICES.values()) {
            Path jar = jar(module);
            if (!Files.isRegularFile(jar)) {
                fail(jar + " is missing: build the services first (mvn -B -pl deploy-checks -am install)");
            }
        }
        work = Files.createTempDirectory("emm-deploy-checks-live");
        stack = LocalStack.start(LocalStackSettings.onFreePorts(work.resolve("stack")));
        chart = Charts.renderStrict("dev", Charts.valueSets().get("dev"), Map.of());
        for (Map.Entry<String, String> e : SERVICES.entrySet()) {
            start(e.getKey(), e.getValue());
        }
        for (String component : SERVICES.keySet()) {
            awaitReady(component, Duration.ofMinutes(3));
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (stack != null) {
            stack.close();
        }
        if (work != null) {
            Charts.deleteTree(work);
        }
    }

    private static Path jar(String module) {
        return Repo.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Starts one service with exactly the env names its rendered Deployment sets. */
    private static void start(String component, String module) throws IOException {
        Container c = WorkloadChecks.deployment(chart, "emm-" + component).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        ConfigMap config = HelmChartTest.configMap(chart, c.getEnvFrom().get(0).getConfigMapRef().getName());
        StoreConfig store = stack.storeConfig();
        Map<String, String> local = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "EMM_STORE_ENDPOINT", store.endpoint(),
                "EMM_STORE_BUCKET", store.bucket(),
                "EMM_STORE_ACCESS_KEY", store.accessKey(),
                "EMM_STORE_SECRET_KEY", store.secretKey(),
                "DJL_CACHE_DIR", work.resolve("djl-" + component).toString());
        Map<String, String> env = new TreeMap<>(config.getData());
        for (EnvVar v : c.getEnv()) {
            env.put(v.getName(), v.getValue());
        }
        List<String> unresolved = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (local.containsKey(e.getKey())) {
                e.setValue(local.get(e.getKey()));
            } else if (e.getValue() == null) {
                unresolved.add(e.getKey());
            }
        }
        assertTrue(unresolved.isEmpty(), "secret-backed env the test cannot fill: " + unresolved);
        int port = freePort();
        ports.put(component, port);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As docker/entrypoint.sh: JAVA_OPTS split on spaces, then the fixed flags. Serial GC and
        // C1 only keep four JVMs light on a small CI machine.
        command.addAll(Arrays.asList(env.remove("JAVA_OPTS").trim().split("\\s+")));
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx768m",
                "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp-" + component)),
                "-Dvertx.cacheDirBase=" + work.resolve("tmp-" + component).resolve("vertx"),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-jar", jar(module).toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(component + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("EMM_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        processes.put(component, pb.start());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitReady(String component, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!processes.get(component).isAlive()) {
                fail(component + " exited during start:\n" + logTail(component));
            }
            try {
                if (get(component, "/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        fail(component + " not ready within " + timeout.toSeconds() + " s:\n" + logTail(component));
    }

    private static String logTail(String component) {
        try {
            List<String> lines = Files.readAllLines(work.resolve(component + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static HttpResponse<String> get(String component, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(component) + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void everyProbePathTheChartConfiguresAnswers200() throws Exception {
        for (String component : SERVICES.keySet()) {
            Container c = WorkloadChecks.deployment(chart, "emm-" + component).getSpec().getTemplate().getSpec()
                    .getContainers().get(0);
            for (Probe p : new Probe[] {c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe()}) {
                String path = p.getHttpGet().getPath();
                HttpResponse<String> r = get(component, path);
                assertEquals(200, r.statusCode(), component + " " + path + ": " + r.body());
                assertTrue(r.body().contains("\"UP\""), component + " " + path + ": " + r.body());
            }
            HttpResponse<String> metrics = get(component, "/q/metrics");
            assertEquals(200, metrics.statusCode(), component + " /q/metrics");
        }
    }

    @Test
    @Order(2)
    void anExperimentGoesThroughThePipelineAndIsHeldRunningBehindATrainingNetwork() throws Exception {
        heldId = submit(HELD_SPEC);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonNode held = view(heldId);
        while (held.path("points").isEmpty() && Instant.now().isBefore(deadline)) {
            assertEquals("running", held.path("status").asText(), "no point measured yet: " + held);
            checkAlive();
            Thread.sleep(100);
            held = view(heldId);
        }
        assertFalse(held.path("points").isEmpty(), "no size measured: " + held);
        // The trainer takes one run at a time: once it trains the network, the optimum search waits
        // for its next run with the sizes measured so far.
        networkId = submit(NETWORK_SPEC);
        JsonNode network = view(networkId);
        while (network.path("training").isEmpty() && Instant.now().isBefore(deadline)) {
            checkAlive();
            Thread.sleep(300);
            network = view(networkId);
        }
        assertFalse(network.path("training").isEmpty(), "the network is not training: " + network);
        assertEquals("running", view(heldId).path("status").asText(), "the optimum search must wait for the trainer");
    }

    @Test
    @Order(3)
    void everyMetricAndLabelTheDashboardQueriesIsExported() throws Exception {
        Map<String, Set<String>> exported = new TreeMap<>();
        Map<String, Set<String>> byService = new TreeMap<>();
        List<String> lagSeries = new ArrayList<>();
        for (String component : SERVICES.keySet()) {
            String text = get(component, "/q/metrics").body();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                if (m.group(1).startsWith("kafka_consumer_fetch_manager_records_lag")) {
                    lagSeries.add(component + " " + line);
                }
                Set<String> labels = exported.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                byService.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(component);
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.add(l.group(1));
                    }
                }
            }
        }
        // For whoever edits the dashboard: what the services export, with labels and exporters.
        StringBuilder listing = new StringBuilder();
        exported.forEach((m, labels) -> listing.append(m).append(labels).append(' ').append(byService.get(m)).append('\n'));
        lagSeries.forEach(l -> listing.append(l).append('\n'));
        Files.writeString(Path.of("target", "live-metrics.txt"), listing);
        List<String> problems = new ArrayList<>();
        Set<String> unverified = new LinkedHashSet<>();
        for (Dashboard.Query q : Dashboard.queries()) {
            Set<String> metrics = PromQl.metricNames(q.expr());
            Set<String> checked = new LinkedHashSet<>();
            boolean external = false;
            for (String metric : metrics) {
                if (Dashboard.EXTERNAL_METRICS.contains(metric)) {
                    external = true;
                } else if (exported.containsKey(metric)) {
                    checked.add(metric);
                } else if (ONLY_WHILE_A_MODEL_TRAINS.contains(metric)) {
                    unverified.add(metric);
                } else {
                    problems.add(q.panel() + ": no service exports " + metric);
                }
            }
            if (checked.isEmpty() || external) {
                continue;
            }
            for (String label : PromQl.labelNames(q.expr())) {
                if (!Dashboard.TARGET_LABELS.contains(label)
                        && checked.stream().noneMatch(m -> exported.get(m).contains(label))) {
                    problems.add(q.panel() + ": label " + label + " is on none of " + checked + " (labels: "
                            + checked.stream().map(m -> m + exported.get(m)).toList() + ")");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // The per-service meters come from the services that own them.
        assertTrue(byService.get("emm_experiments_in_flight").contains("orchestrator"));
        assertTrue(byService.get("emm_search_probes_total").contains("orchestrator"));
        assertEquals(Set.of("orchestrator"), byService.get("emm_search_ratio"));
        assertEquals(Set.of("orchestrator"), byService.get("emm_search_threshold"));
        assertTrue(byService.get("emm_memorization_ratio").contains("metric"));
        assertEquals(SERVICES.keySet(), byService.get("emm_events_handled_total"),
                "every service counts the events it handles");
        if (!unverified.isEmpty()) {
            System.err.println("[deploy-checks] dashboard metrics not seen with optimum traffic (exported only"
                    + " while a DJL model trains): " + unverified);
        }
    }

    /**
     * While the experiments run, the search's gauges are their numbers: a ratio per measured size
     * (the view's points, also the metric service's ratio of each size's one snapshot), 1 - eps and
     * the runs requested. Read when a view, the metrics and the view again agree (the held search
     * may still finish a round as the network takes the trainer).
     */
    @Test
    @Order(4)
    void theSearchGaugesAreTheRunningExperimentsNumbers() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        String mismatch = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode before = view(heldId);
            String orchestrator = get("orchestrator", "/q/metrics").body();
            String metric = get("metric", "/q/metrics").body();
            JsonNode after = view(heldId);
            assertEquals("running", after.path("status").asText(), after.toString());
            Map<Integer, Double> points = new TreeMap<>();
            after.path("points").forEach(p -> points.put(p.path("size").asInt(), p.path("ratio").asDouble()));
            int requested = points.size() + after.path("probing").size();
            Map<String, Double> expected = new TreeMap<>();
            points.forEach((size, ratio) -> expected.put("emm_search_ratio size=" + size, ratio));
            expected.put("emm_search_threshold", 0.9);
            expected.put("emm_search_probes_total", (double) requested);
            points.forEach((size, ratio) -> expected.put("emm_memorization_ratio size=" + size + " snapshot=1", ratio));
            Map<String, Double> exported = series(orchestrator, heldId);
            exported.putAll(series(metric, heldId));
            if (before.path("points").equals(after.path("points")) && expected.equals(exported)) {
                assertTrue(points.size() >= 1, after.toString());
                assertEquals(Map.of("emm_search_threshold", 0.9, "emm_search_probes_total", 1.0),
                        series(orchestrator, networkId), "the network's search: 1 - eps and its one run");
                return;
            }
            mismatch = "expected " + expected + ", exported " + exported;
            Thread.sleep(200);
        }
        fail("the held experiment's gauges never matched its view: " + mismatch);
    }

    /**
     * Once an experiment has ended (cancelled, or finished with its answer), no series of it is
     * left in any service's /q/metrics: the orchestrator removes them as it ends it, the metric
     * service when it hears the completion.
     */
    @Test
    @Order(5)
    void theGaugesOfEndedExperimentsAreGone() throws Exception {
        HttpRequest cancel = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("orchestrator")
                + "/experiments/" + networkId)).DELETE().timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> cancelled = HTTP.send(cancel, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cancelled.statusCode(), cancelled.body());
        assertEquals(Map.of(), series(get("orchestrator", "/q/metrics").body(), networkId),
                "the cancelled network's search series");

        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        JsonNode held = view(heldId);
        while (held.path("status").asText().equals("running") && Instant.now().isBefore(deadline)) {
            checkAlive();
            Thread.sleep(500);
            held = view(heldId);
        }
        assertEquals("above_max", held.path("status").asText(), "the optimum memorizes at every size: " + held);
        assertEquals(List.of(10, 20, 40, 80, 160, 320, 640), sizes(held), held.toString());
        assertEquals(Map.of(), series(get("orchestrator", "/q/metrics").body(), heldId),
                "the finished experiment's search series");

        Map<String, Double> left = Map.of();
        Instant heard = Instant.now().plus(Duration.ofSeconds(30));
        do {
            String metric = get("metric", "/q/metrics").body();
            left = new TreeMap<>(series(metric, heldId));
            left.putAll(series(metric, networkId));
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(300);
        } while (Instant.now().isBefore(heard));
        assertEquals(Map.of(), left, "the ended experiments' emm_memorization_ratio series");
    }

    private static List<Integer> sizes(JsonNode view) {
        List<Integer> sizes = new ArrayList<>();
        view.path("points").forEach(p -> sizes.add(p.path("size").asInt()));
        return sizes;
    }

    /**
     * The experiment's series among the per-experiment meters, as "name label=value ..." (labels
     * other than experiment, sorted) to the value.
     */
    private static Map<String, Double> series(String metrics, String experimentId) {
        Map<String, Double> found = new TreeMap<>();
        Matcher line = PER_EXPERIMENT.matcher(metrics);
        while (line.find()) {
            Map<String, String> labels = new TreeMap<>();
            Matcher label = LABEL_VALUE.matcher(line.group(2));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            if (!experimentId.equals(labels.remove("experiment"))) {
                continue;
            }
            labels.keySet().removeAll(Dashboard.TARGET_LABELS);
            StringBuilder key = new StringBuilder(line.group(1));
            labels.forEach((name, value) -> key.append(' ').append(name).append('=').append(value));
            found.put(key.toString(), Double.parseDouble(line.group(3)));
        }
        return found;
    }

    private static String submit(String spec) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("orchestrator")
                + "/experiments")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec)).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> submitted = HTTP.send(post, HttpResponse.BodyHandlers.ofString());
        assertTrue(submitted.statusCode() / 100 == 2, submitted.statusCode() + " " + submitted.body());
        String id = Yaml.JSON.readTree(submitted.body()).path("experimentId").asText();
        assertFalse(id.isEmpty(), submitted.body());
        return id;
    }

    private static JsonNode view(String id) throws Exception {
        HttpResponse<String> r = get("orchestrator", "/experiments/" + id);
        assertEquals(200, r.statusCode(), r.body());
        return Yaml.JSON.readTree(r.body());
    }

    private static void checkAlive() {
        for (String component : SERVICES.keySet()) {
            assertTrue(processes.get(component).isAlive(), component + " died:\n" + logTail(component));
        }
    }
}
