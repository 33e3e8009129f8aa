package dev.emm.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.djl.GlibcMallocEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch eager on the same network: the programs of {@code emm-bench/reference/} (the ones `./emm
 * bench` runs beside EMM) with the config fields `./emm bench` gives them, plus {@code device}.
 * Each run is a fresh python process; its last stdout line is its JSON result.
 */
final class ReferenceRunner {

    private static final ObjectMapper JSON = Json.mapper();

    private final String python;
    private final Path home;
    private final int threads;

    ReferenceRunner(String python, Path home, int threads) {
        this.python = python;
        this.home = home;
        this.threads = threads;
    }

    JsonNode train(ExperimentSpec spec, ObjectNode model, int channels, int resolution, int batch, int datasetSize,
                   int warmup, int steps, String device) throws IOException {
        ObjectNode c = base(device);
        ObjectNode training = JSON.valueToTree(spec.training());
        training.put("batchSize", batch);
        c.set("model", model);
        c.set("training", training);
        c.put("channels", channels);
        c.put("resolution", resolution);
        c.put("labelDim", 0);
        c.put("datasetSize", datasetSize);
        c.put("warmupSteps", warmup);
        c.put("steps", steps);
        return run("train", c);
    }

    /** {@code sampling} is the schedule EMM's side samples with, so both sides run the same Heun steps. */
    JsonNode sample(PreconditioningType preconditioning, SamplingSpec sampling, ObjectNode model, int channels, int resolution,
                    int count, int batch, String device) throws IOException {
        ObjectNode c = base(device);
        c.set("model", model);
        c.put("preconditioning", preconditioning.toString());
        c.put("channels", channels);
        c.put("resolution", resolution);
        c.put("labelDim", 0);
        c.put("sampleCount", count);
        c.put("batchSize", batch);
        c.put("numSteps", sampling.numSteps());
        c.put("sigmaMin", sampling.sigmaMin());
        c.put("sigmaMax", sampling.sigmaMax());
        c.put("rho", sampling.rho());
        return run("sample", c);
    }

    private ObjectNode base(String device) {
        ObjectNode c = JSON.createObjectNode();
        c.put("threads", threads);
        c.put("referenceOps", "fused");
        c.put("device", device);
        return c;
    }

    private JsonNode run(String program, ObjectNode config) throws IOException {
        Path script = home.resolve("emm-bench/reference/" + program + ".py");
        if (!Files.isRegularFile(script)) {
            throw new IOException(script + " is missing (run the probe from the repository root or pass --home)");
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(python, script.toString(), "--config", config.toString()));
        Map<String, String> env = builder.environment();
        // As `./emm bench` runs both sides (see docs/BENCHMARKS.md, "Method").
        env.putAll(GlibcMallocEnvironment.variables());
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        Path errors = Files.createTempFile("gpu-check-reference-", ".log");
        builder.redirectError(errors.toFile());
        try {
            Process process = builder.start();
            String stdout;
            try (InputStream in = process.getInputStream()) {
                stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("reference " + program + " timed out");
            }
            String last = null;
            for (String line : stdout.split("\n")) {
                if (line.startsWith("{")) {
                    last = line;
                }
            }
            if (process.exitValue() != 0 || last == null) {
                String log = Files.readString(errors);
                throw new IOException("reference " + program + " failed (exit " + process.exitValue() + "): "
                        + stdout + "\n" + log.substring(Math.max(0, log.length() - 3000)));
            }
            return JSON.readTree(last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
