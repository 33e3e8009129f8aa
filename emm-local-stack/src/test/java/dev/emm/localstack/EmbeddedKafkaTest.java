package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void producesAndConsumesHundredRecordsAcrossPartitions() throws Exception {
        try (EmbeddedKafka kafka = timedStart("fresh broker")) {
            kafka.createTopics(List.of("roundtrip"), 3);
            List<String> sent = IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList();
            KafkaClients.produce(kafka.bootstrapServers(), "roundtrip", sent);

            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(kafka.bootstrapServers(), "reader")) {
                consumer.subscribe(List.of("roundtrip"));
                List<String> received = KafkaClients.pollValues(consumer, 100, POLL_TIMEOUT);

                assertEquals(100, received.size());
                assertEquals(new TreeSet<>(sent), new TreeSet<>(received));
            }
            assertEquals(3, partitionCount(kafka, "roundtrip"));
        }
    }

    @Test
    void createTopicsLeavesExistingTopicsAsTheyAre() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
            kafka.createTopics(List.of("first"), 2);
            kafka.createTopics(List.of("first", "second"), 5);

            assertEquals(2, partitionCount(kafka, "first"));
            assertEquals(5, partitionCount(kafka, "second"));
        }
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndCommittedOffsets() throws Exception {
        TopicPartition partition0 = new TopicPartition("persisted", 0);
        TopicPartition partition1 = new TopicPartition("persisted", 1);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
            kafka.createTopics(List.of("persisted"), 2);
            KafkaClients.produce(kafka.bootstrapServers(), "persisted",
                    IntStream.range(0, 30).mapToObj(i -> "before-" + i).toList());
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(kafka.bootstrapServers(), "keeper")) {
                consumer.subscribe(List.of("persisted"));
                assertEquals(30, KafkaClients.pollValues(consumer, 30, POLL_TIMEOUT).size());
                consumer.commitSync();
            }
        }

        try (EmbeddedKafka kafka = timedStart("restarted broker")) {
            assertEquals(2, partitionCount(kafka, "persisted"));
            Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(kafka, "keeper");
            assertEquals(Set.of(partition0, partition1), committed.keySet());
            assertEquals(30, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());

            List<String> after = IntStream.range(0, 5).mapToObj(i -> "after-" + i).toList();
            KafkaClients.produce(kafka.bootstrapServers(), "persisted", after);
            try (KafkaConsumer<String, String> consumer = KafkaClients.consumer(kafka.bootstrapServers(), "keeper")) {
                consumer.subscribe(List.of("persisted"));
                List<String> received = KafkaClients.pollValues(consumer, 5, POLL_TIMEOUT);
                assertEquals(new TreeSet<>(after), new TreeSet<>(received));
                assertEquals(5, received.size());
            }
        }
    }

    private EmbeddedKafka timedStart(String label) {
        long started = System.nanoTime();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
        System.out.printf("%s started in %d ms%n", label, (System.nanoTime() - started) / 1_000_000);
        return kafka;
    }

    private static int partitionCount(EmbeddedKafka kafka, String topic) {
        try (Admin admin = admin(kafka)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (Exception e) {
            throw new AssertionError("describing " + topic + " failed", e);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(EmbeddedKafka kafka, String group)
            throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
