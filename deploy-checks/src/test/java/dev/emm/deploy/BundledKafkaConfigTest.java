package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import kafka.server.KafkaConfig;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;

/**
 * The dev Kafka (the chart's dev values, rendered into k8s/dev) is configured through the apache/kafka image's env
 * convention (KAFKA_FOO_BAR is foo.bar). Every such variable must be a real broker setting, and
 * together they must make a valid single-node KRaft configuration for the Kafka version the
 * project builds against.
 */
class BundledKafkaConfigTest {

    /** Read by the image's launch scripts, not turned into broker settings. */
    private static final Set<String> SCRIPT_VARIABLES = Set.of("KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS",
            "KAFKA_LOG4J_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS");

    @Test
    void envIsAValidSingleNodeKraftConfig() {
        List<Manifest> ms = Charts.renderStrict("dev", Charts.valueSets().get("dev"), Map.of());
        StatefulSet kafka = WorkloadChecks.all(ms, StatefulSet.class).get(0);
        Container c = kafka.getSpec().getTemplate().getSpec().getContainers().get(0);
        Properties props = new Properties();
        List<String> unknown = new ArrayList<>();
        Set<String> names = AbstractKafkaConfig.CONFIG_DEF.names();
        for (EnvVar e : c.getEnv()) {
            if (!e.getName().startsWith("KAFKA_") || SCRIPT_VARIABLES.contains(e.getName())) {
                continue;
            }
            String key = e.getName().substring("KAFKA_".length()).toLowerCase().replace('_', '.');
            if (!names.contains(key)) {
                unknown.add(e.getName() + " (" + key + ")");
            }
            props.put(key, e.getValue());
        }
        assertTrue(unknown.isEmpty(), "not broker settings: " + unknown);
        KafkaConfig config = new KafkaConfig(props, false);
        assertEquals(1, config.nodeId());
        assertEquals(List.of("broker", "controller"), config.getList("process.roles"));
        assertEquals(1, ((Number) config.values().get("offsets.topic.replication.factor")).intValue());
        assertEquals(1, ((Number) config.values().get("transaction.state.log.replication.factor")).intValue());
        assertEquals(0, ((Number) config.values().get("group.initial.rebalance.delay.ms")).intValue());
        String advertised = props.getProperty("advertised.listeners");
        String service = kafka.getMetadata().getName();
        assertEquals("PLAINTEXT://" + service + ":9092", advertised, "clients reach the broker through its Service");
        assertTrue(WorkloadChecks.all(ms, io.fabric8.kubernetes.api.model.Service.class).stream()
                .anyMatch(s -> s.getMetadata().getName().equals(service)), "a Service named " + service);
        assertEquals(Boolean.FALSE, kafka.getSpec().getTemplate().getSpec().getEnableServiceLinks(),
                "no KAFKA_PORT-style service variables reach the image's env-to-config conversion");
    }
}
