package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helm/emm/files/create-topics.sh (the topic Job's script) run by /bin/sh against a fake
 * kafka-topics.sh that keeps topics as files and logs every call.
 */
class CreateTopicsScriptTest {

    private static final String FAKE_KAFKA_TOPICS = """
            #!/bin/sh
            # Fake kafka-topics.sh: state in $FAKE_STATE/<topic> (partition count), calls in $FAKE_STATE/calls.
            echo "$*" >> "$FAKE_STATE/calls"
            if [ -f "$FAKE_STATE/down" ]; then echo "connection refused" >&2; exit 1; fi
            cp "$4" "$FAKE_STATE/client.properties" 2>/dev/null
            topic=""; partitions=""; action=""
            while [ $# -gt 0 ]; do
              case "$1" in
                --topic) topic="$2"; shift ;;
                --partitions) partitions="$2"; shift ;;
                --list|--create|--describe|--alter) action="$1" ;;
              esac
              shift
            done
            case "$action" in
              --list) ls "$FAKE_STATE" ;;
              --create) [ -f "$FAKE_STATE/$topic" ] || echo "$partitions" > "$FAKE_STATE/$topic" ;;
              --alter) echo "$partitions" > "$FAKE_STATE/$topic" ;;
              --describe) printf 'Topic: %s\\tTopicId: x1\\tPartitionCount: %s\\tReplicationFactor: 1\\tConfigs: \\n' "$topic" "$(cat "$FAKE_STATE/$topic")"
                          printf '\\tTopic: %s\\tPartition: 0\\tLeader: 1\\tReplicas: 1\\tIsr: 1\\n' "$topic" ;;
            esac
            """;

    @TempDir
    Path tmp;

    private record Run(int exit, String output, String calls) {
    }

    private Run run(Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("kafka-topics.sh");
        Files.writeString(fake, FAKE_KAFKA_TOPICS);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path topics = tmp.resolve("topics.txt");
        Files.writeString(topics, "# comment\nemm.train.requests 4\nemm.metric.results 2\n\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", Repo.chart().resolve("files/create-topics.sh").toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("KAFKA_BIN", bin.toString());
        env.put("FAKE_STATE", state.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        env.put("TOPICS_FILE", topics.toString());
        env.put("TOPIC_REPLICAS", "3");
        env.put("TOPIC_CONFIG", "retention.ms=1000 min.insync.replicas=2");
        env.put("WAIT_SECONDS", "1");
        env.put("RETRY_SECONDS", "1");
        env.putAll(extraEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Path calls = state.resolve("calls");
        return new Run(p.exitValue(), out, Files.exists(calls) ? Files.readString(calls) : "");
    }

    @Test
    void createsEveryTopicWithItsPartitionsReplicasAndConfig() throws Exception {
        Run r = run(Map.of());
        assertEquals(0, r.exit(), r.output());
        assertEquals("4\n", Files.readString(tmp.resolve("state/emm.train.requests")));
        assertEquals("2\n", Files.readString(tmp.resolve("state/emm.metric.results")));
        assertTrue(r.calls().contains("--create --if-not-exists --topic emm.train.requests --partitions 4"
                + " --replication-factor 3 --config retention.ms=1000 --config min.insync.replicas=2"), r.calls());
        assertTrue(r.output().endsWith("topics ready\n"), r.output());
        assertEquals("", Files.readString(tmp.resolve("state/client.properties")), "PLAINTEXT: empty client config");
    }

    @Test
    void raisesPartitionsThatAreTooLowAndLeavesHigherOnesAlone() throws Exception {
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(tmp.resolve("state/emm.train.requests"), "2\n");
        Files.writeString(tmp.resolve("state/emm.metric.results"), "5\n");
        Run r = run(Map.of());
        assertEquals(0, r.exit(), r.output());
        assertEquals("4\n", Files.readString(tmp.resolve("state/emm.train.requests")));
        assertEquals("5\n", Files.readString(tmp.resolve("state/emm.metric.results")));
        assertTrue(r.output().contains("emm.train.requests: 2 -> 4 partitions"), r.output());
        assertEquals(1, r.calls().lines().filter(l -> l.contains("--alter")).count(), r.calls());
    }

    @Test
    void writesTheSaslAndTrustStoreSettingsIntoTheClientConfig() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/emm/tls/kafka/ca.crt");
        Run r = run(env);
        assertEquals(0, r.exit(), r.output());
        List<String> lines = Files.readAllLines(tmp.resolve("state/client.properties"));
        assertEquals(List.of("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "ssl.truststore.type=PEM", "ssl.truststore.location=/etc/emm/tls/kafka/ca.crt"),
                lines);
        assertTrue(!r.output().contains("password"), "the script never prints the JAAS line");
    }

    @Test
    void givesUpWhenKafkaStaysUnreachable() throws Exception {
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(tmp.resolve("state/down"), "");
        Run r = run(Map.of());
        assertNotEquals(0, r.exit());
        assertTrue(r.output().contains("Kafka at kafka:9092 is not reachable"), r.output());
    }
}
