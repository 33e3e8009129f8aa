package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.all;
import static dev.emm.deploy.WorkloadChecks.assertGpu;
import static dev.emm.deploy.WorkloadChecks.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.SpecValidator;
import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** helm lint --strict and helm template of helm/emm for the default, dev and prod values. */
class HelmChartTest {

    private static final Map<String, List<Manifest>> RENDERED = new ConcurrentHashMap<>();

    static Stream<String> valueSets() {
        return Charts.valueSets().keySet().stream();
    }

    private static List<Manifest> rendered(String valueSet) {
        return RENDERED.computeIfAbsent(valueSet,
                name -> Charts.renderStrict(name, Charts.valueSets().get(name), Map.of()));
    }

    private static Set<String> kinds(List<Manifest> ms) {
        return ms.stream().map(Manifest::kind).collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest(name = "helm lint --strict, {0} values")
    @MethodSource("valueSets")
    void lintsStrictly(String valueSet) {
        LintResult lint = Charts.lint(Charts.valueSets().get(valueSet));
        assertFalse(lint.isFailed(), () -> "helm lint --strict failed: " + lint.getMessages());
        assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
                () -> "helm lint messages: " + lint.getMessages());
    }

    @ParameterizedTest(name = "every manifest parses strictly and passes the workload checks, {0} values")
    @MethodSource("valueSets")
    void rendersStrictManifestsThatPassTheWorkloadChecks(String valueSet) {
        List<Manifest> ms = rendered(valueSet);
        assertEquals(4, all(ms, Deployment.class).stream()
                .filter(d -> WorkloadChecks.isEmm(d.getSpec().getTemplate().getSpec().getContainers().get(0)))
                .count(), "four EMM Deployments");
        WorkloadChecks.checkAll(ms, "helm template (" + valueSet + ")");
    }

    @Test
    void defaultValuesPutTrainersAndSamplersOnGpusAndTheRestOnCpus() {
        List<Manifest> ms = rendered("default");
        assertGpu(deployment(ms, "emm-trainer"), true);
        assertGpu(deployment(ms, "emm-sampler"), true);
        assertGpu(deployment(ms, "emm-orchestrator"), false);
        assertGpu(deployment(ms, "emm-metric"), false);
        assertEquals(Set.of("ConfigMap", "Deployment", "Job", "NetworkPolicy", "PodDisruptionBudget", "Service",
                "ServiceAccount"), kinds(ms), "default values: external Kafka and MinIO, topics by Job");
        Container trainer = deployment(ms, "emm-trainer").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("emm/trainer-service:0.1.0-gpu", trainer.getImage());
    }

    @Test
    void aStoppingTrainerWaitsForItsCheckpointInsideItsGracePeriod() {
        for (String valueSet : List.of("default", "dev", "prod")) {
            PodSpec pod = deployment(rendered(valueSet), "emm-trainer").getSpec().getTemplate().getSpec();
            long grace = pod.getTerminationGracePeriodSeconds();
            assertTrue(grace >= 120, valueSet + ": a trainer's grace period covers a step and a checkpoint upload");
            assertEquals(Long.toString(grace - 20), pod.getContainers().get(0).getEnv().stream()
                    .filter(env -> env.getName().equals("EMM_TRAINER_SHUTDOWN_CHECKPOINT_SECONDS"))
                    .findFirst().orElseThrow().getValue(), valueSet);
        }
        PodSpec shortGrace = deployment(Charts.renderStrict("short-grace", null,
                Map.of("services.trainer.terminationGracePeriodSeconds", 10)), "emm-trainer")
                .getSpec().getTemplate().getSpec();
        assertEquals("1", shortGrace.getContainers().get(0).getEnv().stream()
                .filter(env -> env.getName().equals("EMM_TRAINER_SHUTDOWN_CHECKPOINT_SECONDS"))
                .findFirst().orElseThrow().getValue());
    }

    @Test
    void devValuesRunEverythingOnCpuWithBundledKafkaAndMinio() {
        List<Manifest> ms = rendered("dev");
        for (String d : List.of("emm-trainer", "emm-sampler", "emm-orchestrator", "emm-metric")) {
            assertGpu(deployment(ms, d), false);
            assertEquals(1, deployment(ms, d).getSpec().getReplicas(), d + " replicas");
        }
        StatefulSet kafka = all(ms, StatefulSet.class).get(0);
        assertEquals("emm-kafka", kafka.getMetadata().getName());
        assertNotNull(deployment(ms, "emm-minio"));
        ConfigMap config = configMap(ms, "emm-config");
        assertEquals("emm-kafka:9092", config.getData().get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("http://emm-minio:9000", config.getData().get("EMM_STORE_ENDPOINT"));
        // MinIO's root credentials are the same existing Secret the services read.
        Container minio = deployment(ms, "emm-minio").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("emm-store-credentials", WorkloadChecks.env(minio, "MINIO_ROOT_PASSWORD").getValueFrom()
                .getSecretKeyRef().getName());
        assertTrue(all(ms, NetworkPolicy.class).isEmpty(), "dev values turn NetworkPolicies off");
    }

    @Test
    void prodValuesUseStrimziTopicsKedaServiceMonitorSaslAndEgressPolicies() {
        List<Manifest> ms = rendered("prod");
        assertGpu(deployment(ms, "emm-trainer"), true);
        assertGpu(deployment(ms, "emm-sampler"), true);
        assertEquals("nvidia", deployment(ms, "emm-trainer").getSpec().getTemplate().getSpec().getRuntimeClassName());
        assertNull(deployment(ms, "emm-trainer").getSpec().getReplicas(), "KEDA owns the trainer replica count");
        assertTrue(all(ms, Job.class).isEmpty(), "prod creates topics through Strimzi, not the Job");
        for (Deployment d : all(ms, Deployment.class)) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertTrue(c.getImage().startsWith("registry.example.com/emm/"), c.getImage());
            EnvVar jaas = WorkloadChecks.env(c, "KAFKA_SASL_JAAS_CONFIG");
            assertEquals("emm-kafka-credentials", jaas.getValueFrom().getSecretKeyRef().getName());
        }
        assertEquals("SASL_SSL", configMap(ms, "emm-config").getData().get("KAFKA_SECURITY_PROTOCOL"));
        assertTrue(all(ms, NetworkPolicy.class).stream()
                .anyMatch(np -> np.getSpec().getPolicyTypes().contains("Egress")), "egress policy");

        ServiceMonitor sm = all(ms, ServiceMonitor.class).get(0);
        assertEquals("/q/metrics", sm.getSpec().getEndpoints().get(0).getPath());
        assertEquals("http", sm.getSpec().getEndpoints().get(0).getPort());
        assertEquals("kube-prometheus-stack", sm.getMetadata().getLabels().get("release"));
        long selectedServices = all(ms, io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(s -> WorkloadChecks.selects(sm.getSpec().getSelector().getMatchLabels(), s.getMetadata().getLabels()))
                .filter(s -> sm.getSpec().getSelector().getMatchExpressions().get(0).getValues()
                        .contains(s.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .count();
        assertEquals(4, selectedServices, "the ServiceMonitor selects the four services");

        KedaModel.ScaledObject so = all(ms, KedaModel.ScaledObject.class).get(0);
        assertEquals("emm-trainer", so.spec().scaleTargetRef().name());
        assertEquals(8, so.spec().maxReplicaCount());
        KedaModel.Trigger trigger = so.spec().triggers().get(0);
        assertEquals("kafka", trigger.type());
        assertEquals(Topics.TRAIN_REQUESTS, trigger.metadata().get("topic"));
        assertEquals("emm-kafka-kafka-bootstrap.kafka.svc:9093", trigger.metadata().get("bootstrapServers"));
        assertEquals("emm-kafka-keda-auth", trigger.authenticationRef().name());
        assertTrue(KedaModel.KAFKA_TRIGGER_KEYS.containsAll(trigger.metadata().keySet()),
                () -> "unknown kafka trigger keys: " + trigger.metadata().keySet());
    }

    @ParameterizedTest(name = "topics match emm-core's Topics, {0} values")
    @MethodSource("valueSets")
    void topicsAreExactlyTheCoreTopicsWithTrainPartitionsFromValues(String valueSet) {
        List<Manifest> ms = rendered(valueSet);
        JsonNode values = effectiveValues(Charts.valueSets().get(valueSet));
        int trainPartitions = values.path("topics").path("trainRequestsPartitions").asInt();
        int otherPartitions = values.path("topics").path("partitions").asInt();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        List<KafkaTopic> kafkaTopics = all(ms, KafkaTopic.class);
        if (!kafkaTopics.isEmpty()) {
            for (KafkaTopic t : kafkaTopics) {
                partitions.put(t.getSpec().getTopicName(), t.getSpec().getPartitions());
                assertEquals(t.getMetadata().getName(), t.getSpec().getTopicName());
                assertNotNull(t.getMetadata().getLabels().get("strimzi.io/cluster"));
            }
        } else {
            String topicsTxt = configMap(ms, "emm-topics").getData().get("topics.txt");
            for (String line : topicsTxt.strip().split("\n")) {
                String[] parts = line.trim().split("\\s+");
                partitions.put(parts[0], Integer.parseInt(parts[1]));
            }
            Job job = all(ms, Job.class).get(0);
            assertEquals("emm-topics-1", job.getMetadata().getName(), "one Job per release revision");
            boolean bundledKafka = values.path("kafka").path("bundled").path("enabled").asBoolean();
            assertEquals(bundledKafka ? "1" : values.path("topics").path("replicas").asText(),
                    WorkloadChecks.env(job.getSpec().getTemplate().getSpec().getContainers().get(0), "TOPIC_REPLICAS").getValue());
            assertEquals(Yaml.read(Repo.chart().resolve("files/create-topics.sh")),
                    configMap(ms, "emm-topics").getData().get("create-topics.sh"));
        }
        assertEquals(new LinkedHashSet<>(Topics.ALL), partitions.keySet(), "topics");
        partitions.forEach((topic, n) -> assertEquals(
                topic.equals(Topics.TRAIN_REQUESTS) ? trainPartitions : otherPartitions, n, topic + " partitions"));
    }

    @ParameterizedTest(name = "trainer GPU {0}")
    @ValueSource(booleans = {true, false})
    void trainerRequestsAGpuExactlyWhenItsGpuIsOn(boolean on) {
        List<Manifest> ms = Charts.renderStrict("gpu " + on, null, Map.of(
                "services.trainer.gpu.enabled", on, "services.trainer.gpu.count", 1));
        assertGpu(deployment(ms, "emm-trainer"), on);
        Deployment trainer = deployment(ms, "emm-trainer");
        assertEquals(on, trainer.getSpec().getTemplate().getSpec().getTolerations().stream()
                .anyMatch(t -> WorkloadChecks.GPU.equals(t.getKey())), "GPU toleration");
        WorkloadChecks.checkAll(ms, "trainer gpu " + on);
    }

    @Test
    void kedaWatchesTheConsumerGroupAndTopicTheTrainerReallyUses() throws Exception {
        java.util.Properties trainer = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(
                Repo.root().resolve("trainer-service/src/main/resources/application.properties"))) {
            trainer.load(in);
        }
        for (String valueSet : List.of("default", "prod")) {
            JsonNode keda = effectiveValues(Charts.valueSets().get(valueSet)).path("keda");
            assertEquals(trainer.getProperty("mp.messaging.incoming.train-requests.group.id"),
                    keda.path("consumerGroup").asText(), valueSet + " keda.consumerGroup");
        }
        assertEquals(Topics.TRAIN_REQUESTS, trainer.getProperty("mp.messaging.incoming.train-requests.topic"));
    }

    @Test
    void kedaCapsTrainersAtTheTrainRequestPartitions() {
        List<Manifest> ms = Charts.renderStrict("keda", null, Map.of("keda.enabled", true,
                "topics.trainRequestsPartitions", 6));
        KedaModel.ScaledObject so = all(ms, KedaModel.ScaledObject.class).get(0);
        assertEquals(6, so.spec().maxReplicaCount());
        assertEquals("kafka:9092", so.spec().triggers().get(0).metadata().get("bootstrapServers"));
        assertNull(so.spec().triggers().get(0).authenticationRef());
        assertNull(deployment(ms, "emm-trainer").getSpec().getReplicas());
    }

    @Test
    void noCredentialEverAppearsInTheRenderedOutput() {
        // Whatever a user sets, the chart only names Secrets: render with SASL, bundled MinIO and
        // a Secret name that would stand out, then look for any Secret value slot.
        String out = Charts.template(Charts.valueSets().get("prod"), Map.of(
                "minio.bundled.enabled", true, "store.existingSecret", "my-store-secret"));
        List<Manifest> ms = StrictManifests.parseAll(Yaml.documents(out), "prod + bundled MinIO");
        WorkloadChecks.checkAll(ms, "prod + bundled MinIO");
        assertFalse(out.contains("kind: Secret"), "no Secret is rendered");
        assertFalse(out.matches("(?s).*(stringData|MINIO_ROOT_PASSWORD\\s*\\n\\s*value:).*"));
        long refs = out.lines().filter(l -> l.contains("name: my-store-secret")).count();
        assertEquals(2 * 4 + 2, refs, "four services x two keys + MinIO's user and password");
    }

    @Test
    void missingRequiredSettingsFailWithAMessage() {
        Exception noSecret = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("store.existingSecret", "")));
        assertTrue(noSecret.getMessage().contains("store.existingSecret is required"), noSecret.getMessage());
        Exception noKafka = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("kafka.bootstrapServers", "")));
        assertTrue(noKafka.getMessage().contains("kafka.bootstrapServers is required"), noKafka.getMessage());
    }

    @Test
    void valuesSchemaRejectsUnknownKeysAndBadTypes() {
        Exception typo = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("services.trainer.gpus", 2)));
        assertTrue(typo.getMessage().contains("gpus"), typo.getMessage());
        Exception device = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("services.trainer.device", "tpu")));
        assertTrue(device.getMessage().contains("device"), device.getMessage());
    }

    @Test
    void grafanaDashboardConfigMapCarriesTheSidecarLabelAndTheDashboardFile() {
        List<Manifest> ms = rendered("prod");
        ConfigMap cm = configMap(ms, "emm-grafana-dashboard");
        assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals("monitoring", cm.getMetadata().getNamespace());
        assertEquals(Yaml.read(Repo.dashboard()).strip(), cm.getData().get("emm-overview.json").strip());
    }

    @Test
    void notesTellHowToSubmitWithKafkaConsoleProducerAndCurl() {
        String notes = Yaml.read(Repo.chart().resolve("templates/NOTES.txt"));
        assertTrue(notes.contains("kafka-console-producer.sh"));
        assertTrue(notes.contains("--topic emm.experiments.submitted"));
        assertTrue(notes.contains("curl -sS -X POST http://localhost:8080/experiments"));
        assertEquals(2, assertExampleSpecsAreValid(notes), "one spec for Kafka, one for curl");
    }

    @Test
    void deployGuideExamplesAreValidSpecsAndItsCommandsNameRealFiles() {
        String guide = Yaml.read(Repo.root().resolve("docs/DEPLOY.md"));
        assertEquals(1, assertExampleSpecsAreValid(guide));
        for (String file : List.of("helm/emm/values-dev.yaml", "helm/emm/values-prod.yaml", "k8s/dev", "k8s/prod",
                "examples/optimum-mnist.json", "docker/build-images.sh")) {
            assertTrue(guide.contains(file), file);
            assertTrue(java.nio.file.Files.exists(Repo.root().resolve(file)), file);
        }
    }

    /** Every one-line JSON spec in a text parses strictly as an experiment spec and validates. */
    private static int assertExampleSpecsAreValid(String text) {
        List<String> specs = text.lines().map(String::strip)
                .map(l -> l.startsWith("-d '") ? l.substring(4, l.lastIndexOf('\'')) : l)
                .filter(l -> l.startsWith("{\"name\"")).toList();
        for (String spec : specs) {
            ExperimentSpec parsed = Json.readStrict(spec.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
            assertEquals(ModelKind.OPTIMUM, SpecValidator.validated(parsed).model().kind());
        }
        return specs.size();
    }

    static ConfigMap configMap(List<Manifest> ms, String name) {
        return all(ms, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    static JsonNode effectiveValues(Path valuesFile) {
        JsonNode defaults = Yaml.documents(Repo.chart().resolve("values.yaml")).get(0);
        return valuesFile == null ? defaults : Yaml.merge(defaults, Yaml.documents(valuesFile).get(0));
    }
}
