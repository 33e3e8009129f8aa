package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emm spec show} prints the schedule the paper's train.py derives at the given |D|. */
class SpecShowCommandTest {

    private static JsonNode show(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, EmmCli.execute(args));
        } finally {
            System.setOut(original);
        }
        return Json.mapper().readTree(captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thePaperPresetAtOneThousandImages() throws Exception {
        JsonNode out = show("spec", "show", "paper-ddpmpp-vp", "--size", "1000");
        JsonNode s = out.path("schedule");
        assertEquals(1000, out.path("size").asInt());
        // lr_rampup_kimg = int(1000 / 5) = 200 kimg: 200 epochs
        assertEquals(200_000, s.path("warmupImages").asLong());
        assertEquals(200.0, s.path("warmupEpochs").asDouble());
        // ema_halflife_kimg = int(0.5 * 1000 / 50) = 10 kimg, capped at 0.05 x images seen until 200 epochs
        assertEquals(10_000.0, s.path("emaHalfLifeImages").asDouble());
        assertEquals(0.05, s.path("emaRampupRatio").asDouble());
        assertEquals(200_000, s.path("emaRampEndImages").asLong());
        assertEquals("mode2", s.path("emaMode").asText());
        assertEquals(50.0, s.path("dataRatio").asDouble());
        assertEquals(Math.pow(0.5, 512 / 10_000.0 / 50), s.path("emaBetaAfterRamp").asDouble(), 1e-15);
        assertEquals(40_000_000, s.path("totalImages").asLong());
        assertEquals("fixed", s.path("dataOrder").asText());
        assertEquals("vp", out.path("spec").path("training").path("preconditioning").asText());
    }

    @Test
    void aSpecFileResolvesAtItsSmallestSearchSizeByDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spec.json");
        Files.writeString(file, "{\"preset\": \"paper-ddpmpp-vp\", \"training\": {\"emaMode\": \"mode4\", "
                + "\"finalEma\": 0.9}, \"search\": {\"minSize\": 2000}}");
        JsonNode s = show("spec", "show", file.toString()).path("schedule");
        assertEquals(2000, s.path("datasetSize").asInt());
        assertEquals(400_000, s.path("warmupImages").asLong());
        assertEquals(0.9, s.path("finalEma").asDouble());
        assertEquals(0.9, s.path("emaBetaAfterRamp").asDouble(), 1e-12);
        JsonNode optimum = show("spec", "show", "optimum-mnist");
        assertTrue(optimum.path("schedule").isNull());
    }
}
