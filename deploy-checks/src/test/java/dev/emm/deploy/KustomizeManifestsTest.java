package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.all;
import static dev.emm.deploy.WorkloadChecks.assertGpu;
import static dev.emm.deploy.WorkloadChecks.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.events.Topics;
import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** k8s/: every file parsed strictly, every kustomization built offline and checked. */
class KustomizeManifestsTest {

    private static final Set<String> PATCH_OPS = Set.of("add", "remove", "replace", "test");

    static Stream<String> kustomizations() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.k8s())) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> Repo.k8s().relativize(p.getParent()).toString())
                    .sorted().toList().stream();
        }
    }

    static Stream<String> overlays() {
        return Stream.of("overlays/dev", "overlays/prod");
    }

    private static List<Manifest> build(String dir) {
        return StrictManifests.parseAll(MiniKustomize.build(Repo.k8s().resolve(dir)), "k8s/" + dir);
    }

    @Test
    void everyYamlFileUnderK8sIsAStrictManifestAPatchOrAKustomization() throws IOException {
        List<Path> yamlFiles;
        try (Stream<Path> files = Files.walk(Repo.k8s())) {
            yamlFiles = files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }
        int manifests = 0;
        int patches = 0;
        List<String> problems = new ArrayList<>();
        for (Path f : yamlFiles) {
            String rel = Repo.k8s().relativize(f).toString();
            if (f.getFileName().toString().equals("kustomization.yaml")) {
                MiniKustomize.read(f.getParent());
                continue;
            }
            List<JsonNode> docs = Yaml.documents(f);
            if (docs.size() == 1 && docs.get(0).isArray()) {
                for (JsonNode op : docs.get(0)) {
                    Set<String> fields = new LinkedHashSet<>();
                    op.fieldNames().forEachRemaining(fields::add);
                    if (!PATCH_OPS.contains(op.path("op").asText()) || !op.path("path").asText().startsWith("/")
                            || !Set.of("op", "path", "value").containsAll(fields)) {
                        problems.add(rel + ": not a JSON 6902 operation: " + op);
                    }
                }
                patches++;
                continue;
            }
            try {
                manifests += StrictManifests.parseAll(docs, "k8s/" + rel).size();
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        assertTrue(manifests >= 30, "manifests parsed: " + manifests);
        assertTrue(patches >= 5, "patches checked: " + patches);
    }

    @ParameterizedTest(name = "k8s/{0} builds into strict manifests")
    @MethodSource("kustomizations")
    void everyKustomizationBuildsIntoStrictManifests(String dir) {
        assertFalse(build(dir).isEmpty());
    }

    @ParameterizedTest(name = "k8s/{0} passes the workload checks")
    @MethodSource("overlays")
    void overlaysPassTheWorkloadChecks(String overlay) {
        List<Manifest> ms = build(overlay);
        WorkloadChecks.checkAll(ms, "k8s/" + overlay);
        String namespace = all(ms, Namespace.class).get(0).getMetadata().getName();
        for (Manifest m : ms) {
            if (!m.kind().equals("Namespace")) {
                assertEquals(namespace, ((HasMetadata) m.model()).getMetadata().getNamespace(), m.id());
            }
        }
        assertEquals("restricted", all(ms, Namespace.class).get(0).getMetadata().getLabels()
                .get("pod-security.kubernetes.io/enforce"));
        var orchestrator = deployment(ms, "orchestrator").getSpec();
        assertEquals("Recreate", orchestrator.getStrategy().getType(), "one orchestrator at a time, as in the chart");
        assertEquals(1, orchestrator.getReplicas());
    }

    @Test
    void devOverlayRunsOnCpuWithKafkaMinioAndTheTopicJob() {
        List<Manifest> ms = build("overlays/dev");
        for (String d : List.of("orchestrator", "trainer-service", "sampler-service", "metric-service")) {
            assertGpu(deployment(ms, d), false);
            assertEquals(1, deployment(ms, d).getSpec().getReplicas(), d + " replicas");
        }
        assertEquals("kafka", all(ms, StatefulSet.class).get(0).getMetadata().getName());
        assertEquals("quay.io/minio/minio", deployment(ms, "minio").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage().split(":")[0]);
        ConfigMap config = HelmChartTest.configMap(ms, "emm-config");
        assertEquals("kafka:9092", config.getData().get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("http://minio:9000", config.getData().get("EMM_STORE_ENDPOINT"));
        Map<String, Integer> topics = topicsTxt(HelmChartTest.configMap(ms, "emm-topics").getData().get("topics.txt"));
        assertEquals(new LinkedHashSet<>(Topics.ALL), topics.keySet());
        assertEquals(2, topics.get(Topics.TRAIN_REQUESTS));
        assertEquals(1, all(ms, Job.class).size());
    }

    @Test
    void prodOverlayPutsTrainersAndSamplersOnGpusWithStrimziTopicsAndSasl() {
        List<Manifest> ms = build("overlays/prod");
        assertGpu(deployment(ms, "trainer-service"), true);
        assertGpu(deployment(ms, "sampler-service"), true);
        assertGpu(deployment(ms, "orchestrator"), false);
        assertGpu(deployment(ms, "metric-service"), false);
        for (Deployment d : all(ms, Deployment.class)) {
            String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertTrue(image.startsWith("registry.example.com/emm/"), image);
            EnvVar jaas = WorkloadChecks.env(d.getSpec().getTemplate().getSpec().getContainers().get(0),
                    "KAFKA_SASL_JAAS_CONFIG");
            assertEquals("emm-kafka-credentials", jaas.getValueFrom().getSecretKeyRef().getName());
        }
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (KafkaTopic t : all(ms, KafkaTopic.class)) {
            partitions.put(t.getSpec().getTopicName(), t.getSpec().getPartitions());
            assertEquals("emm-kafka", t.getMetadata().getLabels().get("strimzi.io/cluster"));
        }
        assertEquals(new LinkedHashSet<>(Topics.ALL), partitions.keySet());
        int trainers = deployment(ms, "trainer-service").getSpec().getReplicas();
        assertTrue(partitions.get(Topics.TRAIN_REQUESTS) >= trainers,
                "a trainer without a partition of emm.train.requests would idle");
        assertTrue(all(ms, Job.class).isEmpty());
        assertEquals("SASL_SSL", HelmChartTest.configMap(ms, "emm-config").getData().get("KAFKA_SECURITY_PROTOCOL"));
    }

    @Test
    void copiesOfTheDashboardAndTheTopicScriptMatchTheChart() {
        assertEquals(Yaml.read(Repo.dashboard()), Yaml.read(Repo.k8s().resolve("base/grafana/emm-overview.json")));
        assertEquals(Yaml.read(Repo.chart().resolve("files/create-topics.sh")),
                Yaml.read(Repo.k8s().resolve("topics/job/create-topics.sh")));
        ConfigMap dashboard = HelmChartTest.configMap(build("base"), "emm-grafana-dashboard");
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals(Yaml.read(Repo.dashboard()), dashboard.getData().get("emm-overview.json"));
    }

    /** Where kubectl is installed, its built-in kustomize must agree with MiniKustomize. */
    @ParameterizedTest(name = "kubectl kustomize k8s/{0} equals the offline build")
    @MethodSource("kustomizations")
    void offlineBuildAgreesWithKubectlKustomize(String dir) throws Exception {
        String kubectl = kubectl();
        assumeTrue(kubectl != null, "kubectl is not installed: compared only where it is");
        Process p = new ProcessBuilder(kubectl, "kustomize", Repo.k8s().resolve(dir).toString())
                .redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Map<String, JsonNode> expected = byId(Yaml.documents(new String(out, StandardCharsets.UTF_8)));
        Map<String, JsonNode> actual = byId(MiniKustomize.build(Repo.k8s().resolve(dir)));
        assertEquals(expected.keySet(), actual.keySet(), "resources");
        for (String id : expected.keySet()) {
            assertEquals(expected.get(id), actual.get(id), id);
        }
    }

    private static Map<String, JsonNode> byId(List<JsonNode> docs) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode d : docs) {
            m.put(Yaml.id(d), d);
        }
        return m;
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static Map<String, Integer> topicsTxt(String text) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String line : text.strip().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            m.put(parts[0], Integer.parseInt(parts[1]));
        }
        return m;
    }
}
