package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.orchestration.ExperimentStateMachine;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
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

/**
 * Nothing read back from the store at start stops the orchestrator: an experiment whose events the
 * broker refuses (over its 1 MB record limit) and one whose state file is garbled are failed with
 * a reason, and the orchestrator starts and runs other experiments to the end.
 */
@Tag("slow")
class UnresumableExperimentIT {

    private static final String OVERSIZED = "oversized-events";
    private static final String CORRUPT = "corrupt-state";

    @Test
    void experimentsThatCannotBeResumedAreFailedWithAReasonAndTheRestGoOn() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        ExperimentSpec valid = SpecValidator.validated(Json.readStrict(
                Experiments.optimumSpec("oversized", 10, 20, 50).getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
        // as an older orchestrator without a size bound persisted it: every train request carries this name
        String hugeName = "n".repeat(1_200_000);
        ExperimentSpec oversized = new ExperimentSpec(hugeName, valid.data(), valid.model(), valid.training(),
                valid.sampling(), valid.search(), valid.preset());
        ExperimentState running = ExperimentStateMachine.start(OVERSIZED, oversized).state();
        assertEquals(List.of(10), running.probing(), "left mid-search, with a run to request again");
        byte[] garbled = "{\"schemaVersion\":1,\"experimentId\":\"corrupt-state\",\"spec\":{\"na"
                .getBytes(StandardCharsets.UTF_8);

        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            pipeline.service("orchestrator").kill();
            store.put(StorageLayout.experimentState(OVERSIZED), Json.toBytes(running));
            store.put(StorageLayout.experimentState(CORRUPT), garbled);
            pipeline.restart("orchestrator");

            JsonNode failedLarge = pipeline.orchestrator().experiment(OVERSIZED);
            assertEquals("failed", failedLarge.path("status").asText());
            String largeReason = failedLarge.path("message").asText();
            assertTrue(largeReason.startsWith("could not be resumed after a restart: RecordTooLargeException"),
                    largeReason);
            JsonNode failedCorrupt = pipeline.orchestrator().experiment(CORRUPT);
            assertEquals("failed", failedCorrupt.path("status").asText());
            String corruptReason = failedCorrupt.path("message").asText();
            assertTrue(corruptReason.startsWith("its stored state could not be read after a restart: malformed JSON"),
                    corruptReason);
            assertArrayEquals(garbled, store.get(StorageLayout.experimentUnreadableState(CORRUPT)),
                    "the unreadable bytes are kept for an operator");
            assertEquals(404, reportStatus(pipeline, CORRUPT), "no spec, so no report, and no server error");
            assertEquals(200, reportStatus(pipeline, OVERSIZED));

            for (String id : List.of(OVERSIZED, CORRUPT)) {
                List<ConsumerRecord<String, String>> completed = KafkaTestClients.awaitRecords(
                        pipeline.stack().bootstrapServers(), Topics.EXPERIMENTS_COMPLETED, r -> id.equals(r.key()), 1,
                        Duration.ofSeconds(60));
                assertEquals(1, completed.size(), id + " announces its failure");
                assertEquals("failed", Json.mapper().readTree(completed.get(0).value()).path("result").path("status")
                        .asText());
            }
            assertEquals(0, KafkaTestClients.awaitRecords(pipeline.stack().bootstrapServers(), Topics.TRAIN_REQUESTS,
                    r -> r.key() != null && r.key().startsWith(OVERSIZED), 1, Duration.ofSeconds(2)).size());

            JsonNode after = Experiments.runToEnd(pipeline, Experiments.optimumSpec("after-recovery", 10, 20, 50),
                    Duration.ofMinutes(5));
            assertEquals("above_max", after.path("status").asText(), after.toString());
            assertEquals(20, after.path("emm").asInt());

            pipeline.service("orchestrator").kill();
            pipeline.restart("orchestrator");
            assertEquals("failed", pipeline.orchestrator().experiment(OVERSIZED).path("status").asText(),
                    "a second start finds both failed and starts as well");
            assertEquals("failed", pipeline.orchestrator().experiment(CORRUPT).path("status").asText());
        }
    }

    private static int reportStatus(LocalPipeline pipeline, String id) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.orchestrator().baseUrl() + "/experiments/" + id + "/report")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
