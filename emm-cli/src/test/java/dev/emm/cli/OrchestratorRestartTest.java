package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Killing the orchestrator mid-experiment loses nothing: the experiment ends with the same result. */
@Tag("slow")
class OrchestratorRestartTest {

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
}
