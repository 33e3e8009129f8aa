package dev.emm.gpucheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SpecValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's CPU path on this machine's libtorch (DJL's CPU natives), with an 8-channel version of
 * the small preset for a few steps: what a GPU session runs first, minus CUDA.
 */
class GpuProbeCpuTest {

    @TempDir
    Path out;

    @Test
    void cpuPartRunsEndToEndAndSaysWhyThereIsNoCuda() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ProbeOptions options = ProbeOptions.parse(new String[] {"--out", out.toString(),
                "--presets", "small-ddpmpp-mnist", "--model-channels", "8", "--warmup", "2", "--cpu-steps", "2",
                "--cpu-batch", "8", "--cpu-samples", "4", "--heun-steps", "2", "--no-reference", "--require-cuda"});
        int code = GpuProbe.run(options, new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);

        assertEquals(3, code, printed);  // no CUDA here, and --require-cuda asks for it
        assertTrue(printed.contains("NO CUDA: "), printed);
        JsonNode report = Json.mapper().readTree(out.resolve("probe.json").toFile());
        assertFalse(report.at("/machine/cudaAvailable").asBoolean());
        assertEquals("cpu()", report.at("/machine/defaultDevice").asText());
        JsonNode ours = report.at("/presets/0/ours/0");
        assertEquals("cpu()", ours.path("device").asText());
        assertFalse(ours.has("error"), ours.toString());
        assertEquals(8, ours.at("/train/batch").asInt());
        assertTrue(ours.at("/train/imagesPerSecond").asDouble() > 0);
        // The small preset at 8 channels; emm-bench/reference/songunet.py counts the same 78,177.
        assertEquals(78_177, ours.at("/train/parameters").asLong());
        JsonNode losses = ours.at("/train/firstLosses");
        assertEquals(2, losses.size());
        for (JsonNode loss : losses) {
            assertTrue(loss.asDouble() > 0 && loss.asDouble() < 100, losses.toString());
        }
        assertEquals(4, ours.at("/sample/samples").asInt());
        assertTrue(ours.at("/sample/imagesPerSecond").asDouble() > 0);
        // Four 16x16 samples in one row: a binary PGM of 64x16 pixels after its header.
        byte[] grid = Files.readAllBytes(out.resolve("samples-small-ddpmpp-mnist-cpu.pgm"));
        byte[] header = "P5\n64 16\n255\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(header, Arrays.copyOf(grid, header.length));
        assertEquals(header.length + 64 * 16, grid.length);
    }

    @Test
    void sameDeviceTwiceGivesTheSameLossOutputAndGradient() {
        ExperimentSpec spec = SpecValidator.validated(Json.readStrict("{\"preset\": \"small-ddpmpp-mnist\"}",
                ExperimentSpec.class));
        ModelSpec m = spec.model();
        ModelSpec model = new ModelSpec(m.kind(), 8, m.channelMult(), m.numBlocks(), m.attnResolutions(), m.dropout(),
                m.embeddingType(), m.skipConnections());
        DeviceEquivalence.Result r = DeviceEquivalence.compare(model, PreconditioningType.EDM, 1, 16, 3, 7, Device.cpu(), Device.cpu());
        assertTrue(r.a().loss() > 0 && Double.isFinite(r.a().loss()));
        assertEquals(78_177, r.a().gradient().length);
        assertTrue(DeviceEquivalence.l2(r.a().gradient()) > 0);
        assertEquals(0.0, r.lossRelative());
        assertEquals(0.0, r.outputRelative());
        assertEquals(0.0, r.gradientRelative());
        assertTrue(r.passed());
    }
}
