package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus of docs/RELIABILITY.md, over REST and over Kafka: every case gets a 4xx naming
 * the offending field (REST) or a rejection event naming it and its record in the dead-letter topic
 * (Kafka); none creates an experiment; a good experiment submitted after the corpus completes.
 */
@Tag("slow")
class BadInputCorpusIT {

    /** The size bound over Kafka: above the 64 KiB submission limit, below the broker's 1 MB record limit. */
    private static final int KAFKA_OVERSIZED_NAME = 100_000;
    private static final int REST_OVERSIZED_NAME = 10 * 1024 * 1024;

    private record Case(String label, byte[] body, String field) {
    }

    private static Case json(String label, String body, String field) {
        return new Case(label, body.getBytes(StandardCharsets.UTF_8), field);
    }

    private static List<Case> corpus(int oversizedName) {
        List<Case> cases = new ArrayList<>(List.of(
                json("eps as a string", "{\"search\":{\"eps\":\"0.1\"}}", "search.eps"),
                json("eps zero", "{\"search\":{\"eps\":0}}", "search.eps"),
                json("eps one", "{\"search\":{\"eps\":1}}", "search.eps"),
                json("eps negative", "{\"search\":{\"eps\":-0.5}}", "search.eps"),
                json("eps infinite", "{\"search\":{\"eps\":1e400}}", "search.eps"),
                json("learning rate minus infinity", "{\"training\":{\"learningRate\":-1e999}}", "training.learningRate"),
                json("NaN literal", "{\"search\":{\"eps\":NaN}}", "$"),
                json("negative minSize", "{\"search\":{\"minSize\":-5}}", "search.minSize"),
                json("negative maxSize", "{\"search\":{\"maxSize\":-1}}", "search.maxSize"),
                json("minSize beyond int", "{\"search\":{\"minSize\":99999999999}}", "search.minSize"),
                json("zero samples", "{\"sampling\":{\"sampleCount\":0}}", "sampling.sampleCount"),
                json("two million samples", "{\"sampling\":{\"sampleCount\":2000000}}", "sampling.sampleCount"),
                json("one sampler step", "{\"sampling\":{\"numSteps\":1}}", "sampling.numSteps"),
                json("100k sampler steps", "{\"sampling\":{\"numSteps\":100000}}", "sampling.numSteps"),
                json("zero batch", "{\"training\":{\"batchSize\":0}}", "training.batchSize"),
                json("million batch", "{\"training\":{\"batchSize\":1000000}}", "training.batchSize"),
                json("resolution not a power of two", "{\"data\":{\"resolution\":12}}", "data.resolution"),
                json("resolution fractional", "{\"data\":{\"resolution\":16.5}}", "data.resolution"),
                json("resolution as a string", "{\"data\":{\"resolution\":\"16\"}}", "data.resolution"),
                json("zero classes", "{\"data\":{\"classes\":0}}", "data.classes"),
                json("unknown dataset", "{\"data\":{\"dataset\":\"no-such-set\"}}", "data.dataset"),
                json("dataset name not a name", "{\"data\":{\"dataset\":\"Bad Name!\"}}", "data.dataset"),
                json("unknown label mode", "{\"data\":{\"labelMode\":\"sometimes\"}}", "data.labelMode"),
                json("unknown preset", "{\"preset\":\"huge\"}", "preset"),
                json("unknown model kind", "{\"model\":{\"kind\":\"gan\"}}", "model.kind"),
                json("unknown model knob", "{\"model\":{\"kind\":\"ddpmpp\",\"depth\":4}}", "model.depth"),
                json("zero channels", "{\"model\":{\"modelChannels\":0}}", "model.modelChannels"),
                json("no levels", "{\"model\":{\"channelMult\":[]}}", "model.channelMult"),
                json("nine levels", "{\"model\":{\"channelMult\":[1,2,2,2,2,2,2,2,2]}}", "model.channelMult"),
                json("one skip flag", "{\"model\":{\"skipConnections\":[true]}}", "model.skipConnections"),
                json("skip flags as numbers", "{\"model\":{\"skipConnections\":[1,0,1,1,1,1,1,1,1]}}",
                        "model.skipConnections[0]"),
                json("dropout above one", "{\"model\":{\"dropout\":1.5}}", "model.dropout"),
                json("unknown preconditioning", "{\"training\":{\"preconditioning\":\"xyz\"}}", "training.preconditioning"),
                json("unknown duration unit", "{\"training\":{\"durationUnit\":\"years\"}}", "training.durationUnit"),
                json("negative weight decay", "{\"training\":{\"weightDecay\":-0.1}}", "training.weightDecay"),
                json("misspelt field", "{\"sampling\":{\"sampleCuont\":5}}", "sampling.sampleCuont"),
                json("unknown top-level field", "{\"colour\":\"red\"}", "colour"),
                json("blank name", "{\"name\":\"  \"}", "name"),
                json("name as a number", "{\"name\":5}", "name"),
                json("name of 201 characters", "{\"name\":\"" + "n".repeat(201) + "\"}", "name"),
                json("thousand parallel probes", "{\"search\":{\"parallelProbes\":1000}}", "search.parallelProbes"),
                json("growth factor one", "{\"search\":{\"growthFactor\":1}}", "search.growthFactor"),
                json("mix share two", "{\"data\":{\"mix\":{\"dataset\":\"mnist\",\"alpha\":2}}}", "data.mix.alpha"),
                json("an array", "[1,2,3]", "$"),
                json("a string", "\"just a string\"", "$"),
                json("truncated JSON", "{\"data\": {\"resolution\": 16,", "$"),
                json("empty", "", "$"),
                json("nested 2000 deep", "{\"a\":".repeat(2000) + "1" + "}".repeat(2000), "$"),
                json("envelope with an invalid id", "{\"experimentId\":\"UPPER case\",\"spec\":{}}", "experimentId"),
                json("envelope with a future version", "{\"schemaVersion\":99,\"spec\":{}}", "schemaVersion"),
                json("envelope with an invalid spec", "{\"experimentId\":\"corpus-envelope\",\"spec\":{\"data\":{\"classes\":0}}}",
                        "spec.data.classes"),
                new Case("Latin-1 bytes", "{\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1), "$"),
                new Case("a lone continuation byte", new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0x80, '"', '}'}, "$")));
        cases.add(json("oversized (" + oversizedName + "-character name)",
                Experiments.optimumSpec("x".repeat(oversizedName), 10, 20, 50), "$"));
        return cases;
    }

    @Test
    void everyBadSubmissionIsAnsweredNamingItsFieldAndCreatesNothing() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        int before = pipeline.orchestrator().experiments().size();

        List<Case> rest = corpus(REST_OVERSIZED_NAME);
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> restMismatches = new LinkedHashMap<>();
        for (Case bad : rest) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(pipeline.orchestrator().baseUrl() + "/experiments"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bad.body())).build(), HttpResponse.BodyHandlers.ofString());
            int expectedStatus = bad.body().length > 65536 ? 413 : 400;
            String field = response.statusCode() == expectedStatus
                    ? Json.mapper().readTree(response.body()).path("field").asText() : "HTTP " + response.statusCode();
            if (!bad.field().equals(field)) {
                restMismatches.put(bad.label(), field + " " + response.body());
            }
        }
        assertEquals(Map.of(), restMismatches, "REST cases answered otherwise than expected");
        assertEquals(before, pipeline.orchestrator().experiments().size(), "no REST case created an experiment");
        System.err.printf("bad-input corpus over REST: %d cases, each a 4xx naming its field%n", rest.size());

        String bootstrap = pipeline.stack().bootstrapServers();
        List<Case> kafka = new ArrayList<>(corpus(KAFKA_OVERSIZED_NAME));
        kafka.add(new Case("tombstone (null value)", null, "$"));
        for (int i = 0; i < kafka.size(); i++) {
            KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "corpus-" + i, kafka.get(i).body());
        }
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "corpus-good",
                Experiments.optimumSpec("corpus-good", 10, 20, 50));

        List<ConsumerRecord<String, String>> rejected = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_REJECTED, r -> r.key() != null && r.key().matches("corpus-\\d+"), kafka.size(),
                Duration.ofSeconds(120));
        Map<String, String> kafkaMismatches = new LinkedHashMap<>();
        for (int i = 0; i < kafka.size(); i++) {
            String key = "corpus-" + i;
            String field = rejected.stream().filter(r -> key.equals(r.key())).findFirst()
                    .map(r -> readField(r.value())).orElse("no rejection");
            if (!kafka.get(i).field().equals(field)) {
                kafkaMismatches.put(kafka.get(i).label(), field);
            }
        }
        assertEquals(Map.of(), kafkaMismatches, "Kafka cases rejected otherwise than expected");
        List<ConsumerRecord<String, String>> dead = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_SUBMITTED_DEAD_LETTER, r -> r.key() != null && r.key().matches("corpus-\\d+"),
                kafka.size(), Duration.ofSeconds(120));
        assertEquals(kafka.size(), dead.size(), "every rejected record is in the dead-letter topic");
        System.err.printf("bad-input corpus over Kafka: %d cases, each a rejection naming its field and a dead letter%n",
                kafka.size());

        JsonNode good = Experiments.await(pipeline, "corpus-good", Duration.ofMinutes(5));
        assertEquals("above_max", good.path("status").asText(), good.toString());
        assertEquals(20, good.path("emm").asInt());
        assertEquals(before + 1, pipeline.orchestrator().experiments().size(), "only the good submission created one");
    }

    private static String readField(String rejection) {
        try {
            return Json.mapper().readTree(rejection).path("field").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
