package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the offending field named, and never stops other experiments. */
@Tag("slow")
class BadInputTest {

    private final LocalPipeline pipeline = SharedPipeline.get();

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.orchestrator().baseUrl() + "/experiments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void restAnswers400NamingTheField() throws Exception {
        HttpResponse<String> invalid = post("{\"model\":{\"kind\":\"optimum\"},\"search\":{\"minSize\":1}}");
        assertEquals(400, invalid.statusCode());
        JsonNode body = Json.mapper().readTree(invalid.body());
        assertEquals("search.minSize", body.path("field").asText(), invalid.body());

        HttpResponse<String> unknownField = post("{\"sampling\":{\"sampleCuont\":5}}");
        assertEquals(400, unknownField.statusCode());
        assertEquals("sampling.sampleCuont", Json.mapper().readTree(unknownField.body()).path("field").asText());

        HttpResponse<String> malformed = post("{\"data\": {\"resolution\": 16,");
        assertEquals(400, malformed.statusCode());
        assertEquals("$", Json.mapper().readTree(malformed.body()).path("field").asText(), malformed.body());

        HttpResponse<String> wrongType = post("{\"data\": {\"resolution\": \"big\"}}");
        assertEquals(400, wrongType.statusCode());
        assertEquals("data.resolution", Json.mapper().readTree(wrongType.body()).path("field").asText());
    }

    @Test
    void aMalformedKafkaRecordGoesToTheDeadLetterTopicAndOthersKeepRunning() throws Exception {
        String bootstrap = pipeline.stack().bootstrapServers();
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "broken-1", "{not json at all");
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "broken-2",
                "{\"experimentId\":\"broken-2\",\"spec\":{\"data\":{\"classes\":0}}}");
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "kafka-ok",
                "{\"experimentId\":\"kafka-ok\",\"spec\":" + Experiments.optimumSpec("kafka-ok", 10, 20, 50) + "}");

        List<ConsumerRecord<String, String>> dead = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_SUBMITTED_DEAD_LETTER, r -> r.key() != null && r.key().startsWith("broken-"), 2,
                Duration.ofSeconds(60));
        assertEquals(2, dead.size());
        assertEquals("{not json at all", dead.stream().filter(r -> r.key().equals("broken-1")).findFirst()
                .orElseThrow().value());

        List<ConsumerRecord<String, String>> rejected = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_REJECTED, r -> r.key() != null && r.key().startsWith("broken-"), 2,
                Duration.ofSeconds(60));
        assertEquals(2, rejected.size());
        JsonNode classes = Json.mapper().readTree(rejected.stream().filter(r -> r.key().equals("broken-2"))
                .findFirst().orElseThrow().value());
        assertEquals("spec.data.classes", classes.path("field").asText());

        JsonNode ok = Experiments.await(pipeline, "kafka-ok", Duration.ofMinutes(5));
        assertEquals("above_max", ok.path("status").asText(), ok.toString());
        assertEquals(20, ok.path("emm").asInt());
    }
}
