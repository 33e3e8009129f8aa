package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the offending field named, and never stops other experiments. */
@Tag("slow")
class BadInputIT {

    private final LocalPipeline pipeline = SharedPipeline.get();

    private HttpResponse<String> post(String body) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.orchestrator().baseUrl() + "/experiments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long experimentsNamedLike(String prefix) {
        long count = 0;
        for (JsonNode experiment : pipeline.orchestrator().experiments()) {
            count += experiment.path("name").asText().startsWith(prefix) ? 1 : 0;
        }
        return count;
    }

    @Test
    void anOversizedBodyAnswers413AndCreatesNothingEvenWhenRetried() throws Exception {
        String spec = Experiments.optimumSpec("too-big-" + "x".repeat(10 * 1024 * 1024), 10, 20, 50);
        for (int attempt = 0; attempt < 2; attempt++) {
            HttpResponse<String> tooLarge = post(spec);
            assertEquals(413, tooLarge.statusCode(), tooLarge.body());
            JsonNode body = Json.mapper().readTree(tooLarge.body());
            assertEquals("$", body.path("field").asText());
            assertEquals(65536, body.path("limitBytes").asInt());
            assertTrue(body.path("error").asText().contains("at most 65536 bytes"), tooLarge.body());
        }
        assertEquals(0, experimentsNamedLike("too-big-"));

        HttpResponse<String> longName = post(Experiments.optimumSpec("long-name-" + "x".repeat(300), 10, 20, 50));
        assertEquals(400, longName.statusCode());
        assertEquals("name", Json.mapper().readTree(longName.body()).path("field").asText(), longName.body());
        assertEquals(0, experimentsNamedLike("long-name-"));
    }

    @Test
    void aStringWhereANumberBelongsAndBytesThatAreNotUtf8Answer400() throws Exception {
        HttpResponse<String> quotedEps = post("{\"name\": \"quoted-eps\", \"search\": {\"eps\": \"0.1\"}}");
        assertEquals(400, quotedEps.statusCode());
        assertEquals("search.eps", Json.mapper().readTree(quotedEps.body()).path("field").asText(), quotedEps.body());

        byte[] latin1 = "{\"name\": \"caf\u00e9\", \"model\": {\"kind\": \"optimum\"}}"
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = post(latin1);
        assertEquals(400, notUtf8.statusCode());
        JsonNode body = Json.mapper().readTree(notUtf8.body());
        assertEquals("$", body.path("field").asText());
        assertTrue(body.path("violations").get(0).path("message").asText().startsWith("not valid UTF-8"),
                notUtf8.body());
        assertEquals(0, experimentsNamedLike("quoted-eps") + experimentsNamedLike("caf"));
    }

    @Test
    void oversizedUntypedUndecodableAndKeylessRecordsAreRejectedAndDeadLettered() throws Exception {
        String bootstrap = pipeline.stack().bootstrapServers();
        String good = Experiments.optimumSpec("limits-ok", 10, 20, 50);
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "limits-large",
                Experiments.optimumSpec("limits-large-" + "x".repeat(100_000), 10, 20, 50));
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "limits-quoted",
                "{\"experimentId\":\"limits-quoted\",\"spec\":{\"search\":{\"eps\":\"0.1\"}}}");
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "limits-latin1",
                "{\"name\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, null,
                "{\"name\": \"limits-keyless\", \"search\": {\"eps\": 1.5}}");
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "limits-empty", new byte[0]);
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "limits-ok", good);

        List<ConsumerRecord<String, String>> rejected = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_REJECTED, r -> r.value().contains("limits-") || r.key().startsWith("offset-")
                        && r.value().contains("search.eps: must be in (0, 1), got 1.5"), 5, Duration.ofSeconds(60));
        assertEquals(5, rejected.size(), rejected.toString());
        assertEquals("$", field(rejected, "limits-large"));
        assertEquals("spec.search.eps", field(rejected, "limits-quoted"));
        assertEquals("$", field(rejected, "limits-latin1"));
        assertEquals("$", field(rejected, "limits-empty"));
        assertEquals("search.eps", field(rejected, rejected.stream().map(ConsumerRecord::key)
                .filter(key -> key.startsWith("offset-")).findFirst().orElseThrow()));

        List<ConsumerRecord<String, String>> dead = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_SUBMITTED_DEAD_LETTER, r -> (r.key() != null && r.key().startsWith("limits-"))
                        || (r.value() != null && r.value().contains("limits-keyless")), 5, Duration.ofSeconds(60));
        assertEquals(5, dead.size());

        JsonNode ok = Experiments.await(pipeline, "limits-ok", Duration.ofMinutes(5));
        assertEquals("above_max", ok.path("status").asText(), ok.toString());
        assertEquals(20, ok.path("emm").asInt());
        assertEquals(0, experimentsNamedLike("limits-keyless") + experimentsNamedLike("limits-large"));
    }

    private static String field(List<ConsumerRecord<String, String>> rejected, String key) throws Exception {
        return Json.mapper().readTree(rejected.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow()
                .value()).path("field").asText();
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
