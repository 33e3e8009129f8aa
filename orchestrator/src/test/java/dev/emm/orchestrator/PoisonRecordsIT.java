package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Poison records on the internal topics, over the real broker: on each of the ten topics a
 * service consumes (besides submissions, which BadInputCorpusIT covers) one record that is not
 * JSON and one of an unknown schemaVersion. Each lands in the topic's dead-letter twin with the
 * reason, every service stays live (no failed channel, so no restart and no crash loop), and an
 * experiment submitted afterwards runs through all four services to its end.
 */
@Tag("slow")
class PoisonRecordsIT {

    private static final List<String> INTERNAL = Topics.CONSUMED.stream()
            .filter(topic -> !topic.equals(Topics.EXPERIMENTS_SUBMITTED)).toList();
    private static final String GARBAGE = "{not json";
    private static final String FUTURE = "{\"schemaVersion\":99,\"experimentId\":\"poison\",\"runId\":\"poison-run\"}";

    @Test
    void unreadableRecordsAreDeadLetteredOnEveryChannelAndThePipelineGoesOn() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String bootstrap = pipeline.stack().bootstrapServers();
        assertEquals(10, INTERNAL.size(), "internal topics: " + INTERNAL);
        for (String topic : INTERNAL) {
            KafkaTestClients.produce(bootstrap, topic, "poison-garbage", GARBAGE);
            KafkaTestClients.produce(bootstrap, topic, "poison-future", FUTURE);
        }

        // One deadline for all topics: a service that was just restarted by an earlier test in this JVM
        // (the orchestrator resumes every stored experiment before its channels) may take a while
        // to reach its first record on a loaded machine, and the later topics are then long done.
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        Map<String, String> mismatches = new LinkedHashMap<>();
        for (String topic : INTERNAL) {
            Duration left = Duration.between(Instant.now(), deadline);
            List<ConsumerRecord<String, String>> dead = KafkaTestClients.awaitRecords(bootstrap, Topics.deadLetter(topic),
                    r -> r.key() != null && r.key().startsWith("poison-"), 2,
                    left.isNegative() ? Duration.ofSeconds(5) : left);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> record : dead) {
                assertEquals(record.key().equals("poison-garbage") ? GARBAGE : FUTURE, record.value(),
                        "the record is dead-lettered unchanged");
                assertEquals(topic, header(record, "dead-letter-topic"));
                reasons.put(record.key(), header(record, "dead-letter-reason"));
            }
            if (reasons.size() != 2 || !reasons.get("poison-garbage").contains("malformed JSON at $")
                    || !reasons.get("poison-future").contains("schemaVersion 99, this build reads version 1")) {
                mismatches.put(topic, dead.size() + " dead letters, reasons " + reasons);
            }
        }
        assertEquals(Map.of(), mismatches, "topics whose poison records were not dead-lettered with their reason");

        JsonNode after = Experiments.assertStillServing(pipeline, "the poison records", "after-poison");
        System.err.printf("poison records: %d topics, 2 records each dead-lettered, services live, next experiment %s%n",
                INTERNAL.size(), after.path("status").asText());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertTrue(header != null, "header " + name + " on the dead letter of " + record.key());
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
