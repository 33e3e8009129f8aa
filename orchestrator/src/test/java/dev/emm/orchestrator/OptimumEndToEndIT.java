package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.EmmHome;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.ResultLine;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.SharedPipeline;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The example experiment through the real broker, store and four service processes. */
@Tag("slow")
class OptimumEndToEndIT {

    @Test
    void theOptimumMemorizesAtEverySizeSoEmmIsAtLeastMax() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String spec = Files.readString(EmmHome.root().resolve("examples/optimum-mnist.json"));
        JsonNode result = Experiments.runToEnd(pipeline, spec, Duration.ofMinutes(10));
        assertEquals("above_max", result.path("status").asText(), result.toString());
        assertEquals(640, result.path("emm").asInt());
        assertEquals(640, result.path("bracket").get(0).asInt());
        assertTrue(result.path("bracket").get(1).isNull());
        List<Integer> sizes = new ArrayList<>();
        for (JsonNode point : result.path("points")) {
            sizes.add(point.path("size").asInt());
            assertTrue(point.path("ratio").asDouble() >= 0.95, "ratio at " + point);
            assertTrue(point.path("ciLow").asDouble() <= point.path("ratio").asDouble());
        }
        assertEquals(List.of(10, 20, 40, 80, 160, 320, 640), sizes);
        String line = ResultLine.of(result);
        assertTrue(line.startsWith("{\"experimentId\":"), line);
    }
}
