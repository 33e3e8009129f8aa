package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Killing the orchestrator loses nothing: mid-experiment, the experiment ends with the same result;
 * between persisting a finished state and the broker's acknowledgement of its completed event, the
 * restarted orchestrator announces the completion again.
 */
@Tag("slow")
class OrchestratorRestartIT {

    @Test
    void aKilledOrchestratorResumesAndFinishesWithTheSameResult() {
        LocalPipeline pipeline = SharedPipeline.get();
        String spec = Experiments.optimumSpec("restart", 10, 160, 200);
        JsonNode uninterrupted = Experiments.runToEnd(pipeline, spec, Duration.ofMinutes(5));

        String id = pipeline.orchestrator().submit(spec).path("experimentId").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (pipeline.orchestrator().experiment(id).path("points").size() < 2) {
            assertTrue(Instant.now().isBefore(deadline), "no progress before the kill");
            Experiments.sleep(100);
        }
        JsonNode beforeKill = pipeline.orchestrator().experiment(id);
        assertEquals("running", beforeKill.path("status").asText(), "the kill must land mid-experiment");
        pipeline.service("orchestrator").kill();
        pipeline.restart("orchestrator");

        JsonNode resumed = Experiments.await(pipeline, id, Duration.ofMinutes(5));
        assertEquals(uninterrupted.path("status"), resumed.path("status"));
        assertEquals(uninterrupted.path("emm"), resumed.path("emm"));
        assertEquals(uninterrupted.path("bracket"), resumed.path("bracket"));
        assertEquals(uninterrupted.path("points"), resumed.path("points"));
        assertEquals(5, resumed.path("points").size());
    }

    @Test
    void aCompletionPersistedButNotAcknowledgedIsAnnouncedAfterARestart() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        JsonNode result = Experiments.runToEnd(pipeline, Experiments.optimumSpec("announce", 10, 20, 20),
                Duration.ofMinutes(5));
        String id = result.path("experimentId").asText();
        String bootstrap = pipeline.stack().bootstrapServers();
        assertEquals(1, completedEvents(bootstrap, id, 1).size());

        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            String key = StorageLayout.experimentState(id);
            String persisted = new String(store.get(key), StandardCharsets.UTF_8);
            assertTrue(persisted.contains("\"completionAnnounced\":true"), persisted);
            pipeline.service("orchestrator").kill();
            // the state as a crash right after persisting, before the broker's acknowledgement, leaves it
            store.put(key, persisted.replace("\"completionAnnounced\":true", "\"completionAnnounced\":false")
                    .getBytes(StandardCharsets.UTF_8));
            pipeline.restart("orchestrator");

            List<ConsumerRecord<String, String>> completed = completedEvents(bootstrap, id, 2);
            assertEquals(2, completed.size(), "the completion is announced again after the restart");
            assertEquals(Json.mapper().readTree(completed.get(0).value()), Json.mapper().readTree(completed.get(1).value()));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!new String(store.get(key), StandardCharsets.UTF_8).contains("\"completionAnnounced\":true")) {
                assertTrue(Instant.now().isBefore(deadline), "the announcement is recorded");
                Experiments.sleep(100);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> completedEvents(String bootstrap, String id, int atLeast) {
        return KafkaTestClients.awaitRecords(bootstrap, Topics.EXPERIMENTS_COMPLETED, record -> id.equals(record.key()),
                atLeast, Duration.ofSeconds(60));
    }
}
