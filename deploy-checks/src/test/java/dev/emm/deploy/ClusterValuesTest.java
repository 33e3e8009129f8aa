package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.all;
import static dev.emm.deploy.WorkloadChecks.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart values a real cluster needs: one orchestrator at a time, CA certificates for Kafka and
 * the store, extra volumes, the REST API's token and body limit, and NOTES helper pods that pass
 * Pod Security "restricted".
 */
class ClusterValuesTest {

    private static final List<String> EMM = List.of("emm-orchestrator", "emm-trainer", "emm-sampler", "emm-metric");

    private static Container container(List<Manifest> ms, String deployment) {
        return deployment(ms, deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void theOrchestratorIsRecreatedNeverSurgedAndCappedAtOneReplica() {
        List<Manifest> ms = Charts.renderStrict("default", null, Map.of());
        Deployment orchestrator = deployment(ms, "emm-orchestrator");
        assertEquals("Recreate", orchestrator.getSpec().getStrategy().getType());
        assertNull(orchestrator.getSpec().getStrategy().getRollingUpdate(), "no surge: never two at once");
        assertEquals(1, orchestrator.getSpec().getReplicas());
        assertEquals("RollingUpdate", deployment(ms, "emm-metric").getSpec().getStrategy().getType(),
                "stateless services still roll");
        Exception two = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("services.orchestrator.replicas", 2)));
        assertTrue(two.getMessage().contains("replicas") && two.getMessage().contains("1"), two.getMessage());
        assertEquals(0, deployment(Charts.renderStrict("orchestrator off", null,
                Map.of("services.orchestrator.replicas", 0)), "emm-orchestrator").getSpec().getReplicas());
    }

    @Test
    void caCertificatesAreMountedAndConfigureKafkaAndTheStore() {
        List<Manifest> ms = Charts.renderStrict("tls", Charts.valueSets().get("prod"), Map.of(
                "tls.kafka.caSecret", "my-cluster-cluster-ca-cert",
                "tls.store.caConfigMap", "store-ca", "tls.store.caKey", "ca.pem"));
        WorkloadChecks.checkAll(ms, "prod + tls");
        Map<String, String> config = HelmChartTest.configMap(ms, "emm-config").getData();
        assertEquals("PEM", config.get("KAFKA_SSL_TRUSTSTORE_TYPE"));
        assertEquals("/etc/emm/tls/kafka/ca.crt", config.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
        assertEquals("/etc/emm/tls/store/ca.crt", config.get("EMM_STORE_CA_FILE"));
        for (String name : EMM) {
            PodSpec pod = deployment(ms, name).getSpec().getTemplate().getSpec();
            Volume kafka = volume(pod, "kafka-ca");
            assertEquals("my-cluster-cluster-ca-cert", kafka.getSecret().getSecretName(), name);
            assertEquals("ca.crt", kafka.getSecret().getItems().get(0).getKey());
            assertEquals("ca.crt", kafka.getSecret().getItems().get(0).getPath());
            Volume store = volume(pod, "store-ca");
            assertEquals("store-ca", store.getConfigMap().getName(), name);
            assertEquals("ca.pem", store.getConfigMap().getItems().get(0).getKey());
            assertEquals("ca.crt", store.getConfigMap().getItems().get(0).getPath());
            assertReadOnlyMount(pod.getContainers().get(0), "kafka-ca", "/etc/emm/tls/kafka");
            assertReadOnlyMount(pod.getContainers().get(0), "store-ca", "/etc/emm/tls/store");
        }
        Job topics = all(Charts.renderStrict("tls job", null, Map.of("tls.kafka.caSecret", "kafka-ca")), Job.class).get(0);
        assertEquals("kafka-ca", volume(topics.getSpec().getTemplate().getSpec(), "kafka-ca").getSecret().getSecretName());
        assertReadOnlyMount(topics.getSpec().getTemplate().getSpec().getContainers().get(0), "kafka-ca", "/etc/emm/tls/kafka");

        List<Manifest> plain = Charts.renderStrict("default", null, Map.of());
        Map<String, String> plainConfig = HelmChartTest.configMap(plain, "emm-config").getData();
        assertFalse(plainConfig.containsKey("KAFKA_SSL_TRUSTSTORE_LOCATION") || plainConfig.containsKey("EMM_STORE_CA_FILE"));
        assertTrue(deployment(plain, "emm-trainer").getSpec().getTemplate().getSpec().getVolumes().stream()
                .noneMatch(v -> v.getName().endsWith("-ca")), "no CA volume unless configured");

        Exception both = assertThrows(Exception.class, () -> Charts.template(null,
                Map.of("tls.store.caSecret", "a", "tls.store.caConfigMap", "b")));
        assertTrue(both.getMessage().contains("tls.store: set caSecret or caConfigMap, not both"), both.getMessage());
    }

    @Test
    void extraVolumesAndMountsReachEveryEmmContainer() {
        List<Manifest> ms = Charts.renderStrict("extra volumes", null, Map.of(
                "extraVolumes[0].name", "datasets",
                "extraVolumes[0].persistentVolumeClaim.claimName", "emm-datasets",
                "extraVolumeMounts[0].name", "datasets",
                "extraVolumeMounts[0].mountPath", "/data",
                "extraVolumeMounts[0].readOnly", true));
        WorkloadChecks.checkAll(ms, "extra volumes");
        for (String name : EMM) {
            PodSpec pod = deployment(ms, name).getSpec().getTemplate().getSpec();
            assertEquals("emm-datasets", volume(pod, "datasets").getPersistentVolumeClaim().getClaimName(), name);
            assertReadOnlyMount(pod.getContainers().get(0), "datasets", "/data");
        }
        Exception noPath = assertThrows(Exception.class,
                () -> Charts.template(null, Map.of("extraVolumeMounts[0].name", "x")));
        assertTrue(noPath.getMessage().contains("mountPath"), noPath.getMessage());
    }

    @Test
    void theApiTokenAndBodyLimitGoToTheOrchestratorOnly() {
        List<Manifest> ms = Charts.renderStrict("api token", null, Map.of(
                "api.tokenSecret.name", "emm-api-token", "api.maxBodySize", "512M"));
        WorkloadChecks.checkAll(ms, "api token");
        Container orchestrator = container(ms, "emm-orchestrator");
        EnvVar token = WorkloadChecks.env(orchestrator, "EMM_API_TOKEN");
        assertNull(token.getValue());
        assertEquals("emm-api-token", token.getValueFrom().getSecretKeyRef().getName());
        assertEquals("token", token.getValueFrom().getSecretKeyRef().getKey());
        assertEquals("512M", WorkloadChecks.env(orchestrator, "QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE").getValue());
        for (String name : List.of("emm-trainer", "emm-sampler", "emm-metric")) {
            assertNull(WorkloadChecks.env(container(ms, name), "EMM_API_TOKEN"), name);
        }
        Container open = container(Charts.renderStrict("default", null, Map.of()), "emm-orchestrator");
        assertNull(WorkloadChecks.env(open, "EMM_API_TOKEN"), "no token unless a Secret is named");
        assertEquals("4G", WorkloadChecks.env(open, "QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE").getValue());
        Exception bad = assertThrows(Exception.class, () -> Charts.template(null, Map.of("api.maxBodySize", "lots")));
        assertTrue(bad.getMessage().contains("maxBodySize"), bad.getMessage());
    }

    /**
     * Every `kubectl run` in the rendered NOTES carries --overrides that, merged into the pod kubectl
     * builds (container named after the pod), satisfy Pod Security "restricted".
     */
    @Test
    void notesHelperPodsPassTheRestrictedPodSecurityLevel() throws Exception {
        String notes = Charts.notes(Map.of());
        Matcher run = Pattern.compile("kubectl -n emm run (\\S+) .*?--override-type=strategic --overrides='([^']+)'",
                Pattern.DOTALL).matcher(notes);
        List<String> pods = new ArrayList<>();
        while (run.find()) {
            String podName = run.group(1);
            pods.add(podName);
            JsonNode override = Yaml.JSON.readTree(run.group(2));
            Pod pod = Yaml.JSON.treeToValue(override, Pod.class);
            PodSpec spec = pod.getSpec();
            assertEquals("v1", pod.getApiVersion());
            assertTrue(spec.getSecurityContext().getRunAsNonRoot(), podName);
            assertTrue(spec.getSecurityContext().getRunAsUser() > 0, podName);
            assertEquals("RuntimeDefault", spec.getSecurityContext().getSeccompProfile().getType(), podName);
            assertFalse(spec.getAutomountServiceAccountToken(), podName);
            assertEquals(1, spec.getContainers().size());
            Container c = spec.getContainers().get(0);
            assertEquals(podName, c.getName(), "strategic merge joins the container kubectl run names after the pod");
            SecurityContext sc = c.getSecurityContext();
            assertFalse(sc.getAllowPrivilegeEscalation(), podName);
            assertTrue(sc.getRunAsNonRoot(), podName);
            assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), podName);
            assertTrue(sc.getCapabilities().getAdd().isEmpty(), podName);
            assertEquals("RuntimeDefault", sc.getSeccompProfile().getType(), podName);
            assertTrue(override.path("spec").path("containers").get(0).size() == 2, "only name and securityContext: "
                    + override);
        }
        assertEquals(List.of("emm-submit", "emm-follow"), pods, notes);
        assertEquals(2, notes.split("kubectl -n emm run ", -1).length - 1, "no helper pod without overrides");
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name + " in " + pod.getVolumes()));
    }

    private static void assertReadOnlyMount(Container c, String volume, String path) {
        VolumeMount m = c.getVolumeMounts().stream().filter(v -> v.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + volume));
        assertEquals(path, m.getMountPath());
        assertTrue(m.getReadOnly(), volume + " is mounted read-only");
    }
}
