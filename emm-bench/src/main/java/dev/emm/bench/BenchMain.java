package dev.emm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.djl.GlibcMallocEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * The side-by-side benchmark driver behind {@code ./emm bench}: builds one config, runs ours (a
 * fresh JVM running {@link BenchWorker}) and the reference (a PyTorch eager program from
 * {@code emm-bench/reference/}) alternately, A B A B ..., each measurement in its own process after its
 * own warm-up, then prints a table and, as the last line, the JSON
 * {@code {"bench","ours","reference","unit","ratio"}} with ratio > 1 when ours is faster.
 * The command line is {@link BenchOptions}.
 */
public final class BenchMain {

    private static final ObjectMapper JSON = Json.mapper();

    private BenchMain() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = BenchOptions.commandLine();
        try {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(System.out);
                System.exit(0);
            }
            System.exit(run(commandLine.getCommand(), System.out));
        } catch (ParameterException e) {
            System.err.println("bench: " + e.getMessage() + " (./emm bench --help lists the options)");
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
    }

    static int run(BenchOptions o, PrintStream out) {
        if (!o.noSetup) {
            setupReference(o, out);
        }
        Path work;
        try {
            work = Files.createTempDirectory("emm-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ObjectNode config = config(o, work, out);
            int rounds = o.rounds != null ? o.rounds : o.quick ? 2 : 3;
            String load0 = loadAverage();
            List<JsonNode> ours = new ArrayList<>();
            List<JsonNode> reference = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                JsonNode a = runOurs(o, config);
                ours.add(a);
                out.printf(Locale.ROOT, "  round %d  ours       %s%n", r, brief(a));
                JsonNode b = runReference(o, config);
                reference.add(b);
                out.printf(Locale.ROOT, "  round %d  reference  %s%n", r, brief(b));
            }
            String load1 = loadAverage();
            checkEquivalence(o, ours, reference);
            return report(o, config, ours, reference, load0, load1, out);
        } finally {
            deleteTree(work);
        }
    }

    // ---- configs (one JSON for both sides) ----

    static ObjectNode config(BenchOptions o, Path work, PrintStream out) {
        ObjectNode c = JSON.createObjectNode();
        c.put("bench", o.bench);
        c.put("threads", o.threads);
        c.put("referenceOps", o.referenceOps);
        switch (o.bench) {
            case "train" -> {
                String preset = o.preset != null ? o.preset : "small-ddpmpp-mnist";
                ExperimentSpec spec = spec(preset, o.resolution);
                ObjectNode model = JSON.valueToTree(spec.model());
                if (o.modelChannels != null) {
                    model.put("modelChannels", o.modelChannels);
                }
                ObjectNode training = JSON.valueToTree(spec.training());
                int batch = o.batch != null ? o.batch : spec.training().batchSize();
                training.put("batchSize", batch);
                c.put("preset", preset);
                c.set("model", model);
                c.set("training", training);
                c.put("channels", o.channels != null ? o.channels : channels(spec.data().dataset()));
                c.put("resolution", o.resolution != null ? o.resolution : spec.data().resolution());
                c.put("labelDim", 0);
                c.put("datasetSize", o.datasetSize != null ? o.datasetSize : Math.max(1024, 4 * batch));
                c.put("warmupSteps", o.warmup != null ? o.warmup : BenchOptions.TRAIN_WARMUP_STEPS);
                c.put("steps", o.steps != null ? o.steps : o.quick ? 5 : 20);
                c.put("shards", o.trainShards());
            }
            case "sample" -> {
                String preset = o.preset != null ? o.preset : "small-ddpmpp-mnist";
                ExperimentSpec spec = spec(preset, o.resolution);
                ObjectNode model = JSON.valueToTree(spec.model());
                if (o.modelChannels != null) {
                    model.put("modelChannels", o.modelChannels);
                }
                int batch = o.batch != null ? o.batch : spec.sampling().batchSize();
                int count = o.sampleCount != null ? o.sampleCount
                        : o.quick ? batch : Math.max(batch, Math.min(spec.sampling().sampleCount(), 2 * batch));
                c.put("preset", preset);
                c.set("model", model);
                // the snapshot is made by one training step: at the sampling batch, not the preset's (512)
                ObjectNode training = JSON.valueToTree(spec.training());
                training.put("batchSize", batch);
                c.set("training", training);
                c.put("preconditioning", spec.training().preconditioning().toString());
                c.put("channels", o.channels != null ? o.channels : channels(spec.data().dataset()));
                c.put("resolution", o.resolution != null ? o.resolution : spec.data().resolution());
                c.put("labelDim", 0);
                c.put("sampleCount", count);
                c.put("batchSize", batch);
                c.put("numSteps", spec.sampling().numSteps());
                c.put("sigmaMin", spec.sampling().sigmaMin());
                c.put("sigmaMax", spec.sampling().sigmaMax());
                c.put("rho", spec.sampling().rho());
                Path snapshot = work.resolve("snapshot.emm");
                c.put("snapshotFile", snapshot.toString());
                ObjectNode prepare = c.deepCopy();
                prepare.put("bench", "snapshot");
                out.println("bench: writing the network snapshot the sampler loads ...");
                runOurs(o, prepare);
            }
            default -> {
                int n = o.samples != null ? o.samples : o.quick ? 2_000 : 10_000;
                int m = o.training != null ? o.training : o.quick ? 10_000 : 50_000;
                int d = o.dimension != null ? o.dimension : 3 * 32 * 32;
                c.put("samples", n);
                c.put("training", m);
                c.put("dimension", d);
                c.put("batch", 256);
                if (o.kernel != null) {
                    c.put("kernel", o.kernel.name());
                }
                Path samples = work.resolve("samples.u8");
                Path training = work.resolve("training.u8");
                writeMetricData(samples, training, n, m, d);
                c.put("samplesFile", samples.toString());
                c.put("trainingFile", training.toString());
                c.putArray("sgemmShapes").add(JSON.createArrayNode().add(256).add(d).add(m))
                        .add(JSON.createArrayNode().add(2048).add(d).add(1024));
            }
        }
        return c;
    }

    /** The preset resolved at {@code resolution} when given, so that its attention follows the image as in a spec. */
    static ExperimentSpec spec(String preset, Integer resolution) {
        DataSpec data = resolution == null ? null
                : new DataSpec(null, resolution, null, null, null, null, null, null, null);
        return SpecValidator.validated(new ExperimentSpec(null, data, null, null, null, null, preset));
    }

    static int channels(String dataset) {
        return "mnist".equalsIgnoreCase(dataset) ? 1 : 3;
    }

    /**
     * Uniform random training images; a third of the samples are training images with a few pixels
     * changed (memorized), the rest random (not memorized), so both sides must find real neighbours.
     */
    static void writeMetricData(Path samplesFile, Path trainingFile, int n, int m, int d) {
        Random random = new Random(20240611L);
        byte[] training = new byte[m * d];
        random.nextBytes(training);
        byte[] samples = new byte[n * d];
        random.nextBytes(samples);
        for (int s = 0; s < n; s += 3) {
            int t = random.nextInt(m);
            System.arraycopy(training, t * d, samples, s * d, d);
            for (int k = 0; k < 8; k++) {
                samples[s * d + random.nextInt(d)] ^= 0x0F;
            }
        }
        try {
            Files.write(samplesFile, samples);
            Files.write(trainingFile, training);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- processes ----

    static JsonNode runOurs(BenchOptions o, ObjectNode config) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + ("metric".equals(config.get("bench").asText()) ? "1g" : "2g"));
        command.add("-XX:+UseParallelGC");
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=" + o.threads);
        command.add("-Djava.util.logging.config.file=/dev/null");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchWorker.class.getName());
        command.add("--config");
        command.add(config.toString());
        return runChild(o, command, "ours");
    }

    static JsonNode runReference(BenchOptions o, ObjectNode config) {
        Path script = o.home.resolve("emm-bench/reference/" + config.get("bench").asText() + ".py");
        List<String> command = List.of(o.python, script.toString(), "--config", config.toString());
        return runChild(o, command, "reference");
    }

    private static JsonNode runChild(BenchOptions o, List<String> command, String side) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
        Map<String, String> env = builder.environment();
        if (!o.plainMalloc) {
            // The deployed services run with these (helm values, k8s manifests); both sides get them.
            env.putAll(mallocEnvironment(o));
        }
        env.put("EMM_TORCH_THREADS", Integer.toString(o.threads));
        env.put("OMP_NUM_THREADS", Integer.toString(o.threads));
        if (!"DEFAULT".equals(o.ompWait)) {
            // Both runtimes use libgomp. Spinning worker threads (ACTIVE, libgomp's default) starve
            // each other and every other process on a shared 2-core machine: we measured 16 s per
            // reference training step with spinning against 1.1 s without.
            env.put("OMP_WAIT_POLICY", o.ompWait);
        }
        try {
            Path errors = Files.createTempFile("emm-bench-" + side + "-", ".log");
            builder.redirectError(errors.toFile());
            Process process = builder.start();
            String stdout;
            try (InputStream in = process.getInputStream()) {
                stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(2, TimeUnit.HOURS)) {
                process.destroyForcibly();
                throw new IllegalStateException(side + " timed out");
            }
            String last = null;
            for (String line : stdout.split("\n")) {
                if (line.startsWith("{")) {
                    last = line;
                }
            }
            String log = Files.readString(errors);
            Files.deleteIfExists(errors);
            if (process.exitValue() != 0 || last == null) {
                throw new IllegalStateException(side + " failed (exit " + process.exitValue() + "): "
                        + String.join(" ", command.subList(0, Math.min(command.size(), 3))) + " ...\n" + stdout
                        + "\n" + log.substring(Math.max(0, log.length() - 4000)));
            }
            return JSON.readTree(last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void setupReference(BenchOptions o, PrintStream out) {
        Path script = o.home.resolve("emm-bench/setup-reference.sh");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " is missing (is emm.home " + o.home + " the repository?)");
        }
        try {
            Process p = new ProcessBuilder("bash", script.toString(), o.python).redirectErrorStream(true).start();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(log);
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("reference setup failed:\n" + log.toString(StandardCharsets.UTF_8));
            }
            String text = log.toString(StandardCharsets.UTF_8).strip();
            if (!text.isEmpty()) {
                out.println(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- checks and report ----

    /** Both sides must have computed the same thing: same parameter count, same memorized count. */
    static void checkEquivalence(BenchOptions o, List<JsonNode> ours, List<JsonNode> reference) {
        for (String field : List.of("params", "memorized")) {
            JsonNode a = ours.get(0).get(field);
            JsonNode b = reference.get(0).get(field);
            if (a != null && b != null && a.asLong() != b.asLong()) {
                throw new IllegalStateException("ours and the reference differ in " + field + ": " + a + " vs " + b
                        + " (not the same computation, no ratio)");
            }
        }
    }

    static int report(BenchOptions o, ObjectNode config, List<JsonNode> ours, List<JsonNode> reference, String load0,
                      String load1, PrintStream out) {
        String unit = ours.get(0).get("unit").asText();
        boolean higherIsBetter = !"s".equals(unit);
        double[] a = values(ours);
        double[] b = values(reference);
        double oursMedian = median(a);
        double referenceMedian = median(b);
        double ratio = higherIsBetter ? oursMedian / referenceMedian : referenceMedian / oursMedian;
        out.println();
        out.println(headline(o, config, ours.size()));
        out.printf(Locale.ROOT, "load average (1, 5, 15 min) before: %s, after: %s; %d cores%n", load0, load1,
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-10s %10s %10s %10s  %-6s %14s  %s%n", "side", "median", "min", "max", "unit",
                "peak RSS MiB", "engine");
        row(out, "ours", a, unit, ours);
        row(out, "reference", b, unit, reference);
        extra(o, ours, reference, out);
        double[] paired = new double[Math.min(a.length, b.length)];
        for (int i = 0; i < paired.length; i++) {
            paired[i] = higherIsBetter ? a[i] / b[i] : b[i] / a[i];
        }
        out.printf(Locale.ROOT, "per-round ratios (each ours against the reference run right after it): %s, median %.3f%n",
                Arrays.toString(Arrays.stream(paired).map(BenchMain::round).toArray()), median(paired));
        out.printf(Locale.ROOT, "ratio (>1: ours faster) %.3f%n", ratio);
        ObjectNode last = JSON.createObjectNode();
        last.put("bench", o.bench);
        last.put("ours", round(oursMedian));
        last.put("reference", round(referenceMedian));
        last.put("unit", unit);
        last.put("ratio", Math.round(ratio * 1000) / 1000.0);
        out.println(last.toString());
        return 0;
    }

    /** The glibc malloc variables both sides start with: a sharded train bench gets the sharded trainer's. */
    private static Map<String, String> mallocEnvironment(BenchOptions o) {
        return GlibcMallocEnvironment.variables("train".equals(o.bench) ? o.trainShards() : 1);
    }

    private static String headline(BenchOptions o, ObjectNode c, int rounds) {
        String what = switch (o.bench) {
            case "train" -> String.format(Locale.ROOT, "train, preset %s, batch %d, %d steps timed after %d warm-up",
                    c.get("preset").asText(), c.get("training").get("batchSize").asInt(), c.get("steps").asInt(),
                    c.get("warmupSteps").asInt());
            case "sample" -> String.format(Locale.ROOT, "sample, preset %s, %d samples in batches of %d, %d Heun steps",
                    c.get("preset").asText(), c.get("sampleCount").asInt(), c.get("batchSize").asInt(),
                    c.get("numSteps").asInt());
            default -> String.format(Locale.ROOT, "metric, %d samples x %d training images x %d values",
                    c.get("samples").asInt(), c.get("training").asInt(), c.get("dimension").asInt());
        };
        String split = c.has("shards") ? String.format(Locale.ROOT, " (ours: %d shard(s) of a step, %d thread(s) each)",
                c.get("shards").asInt(), Math.max(1, o.threads / c.get("shards").asInt())) : "";
        return String.format(Locale.ROOT, "bench %s; %d rounds alternating ours, reference; %d threads each%s%s; "
                + "OMP_WAIT_POLICY %s; reference ops %s", what, rounds, o.threads, split,
                o.plainMalloc ? "; default malloc" : "; MALLOC_MMAP/TRIM_THRESHOLD_ raised, both sides, and "
                        + (mallocEnvironment(o).containsKey("MALLOC_ARENA_MAX") ? "one malloc arena"
                                : "glibc's own arena limit (a sharded step)"),
                o.ompWait.toLowerCase(Locale.ROOT), o.referenceOps);
    }

    private static void row(PrintStream out, String side, double[] v, String unit, List<JsonNode> results) {
        double peak = results.stream().mapToDouble(r -> r.path("peakRssMb").asDouble()).max().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%-10s %10s %10s %10s  %-6s %14.0f  %s%n", side, fmt(median(v)), fmt(min(v)),
                fmt(max(v)), unit, peak, results.get(0).path("engine").asText());
    }

    private static void extra(BenchOptions o, List<JsonNode> ours, List<JsonNode> reference, PrintStream out) {
        JsonNode a = ours.get(ours.size() - 1);
        JsonNode b = reference.get(reference.size() - 1);
        if ("metric".equals(o.bench)) {
            double oursRate = median(ours.stream().mapToDouble(r -> r.get("gflops").asDouble()).toArray());
            double refRate = median(reference.stream().mapToDouble(r -> r.get("gflops").asDouble()).toArray());
            double best = 0;
            StringBuilder rates = new StringBuilder();
            for (JsonNode r : ours) {
                for (var e : iterable(r.get("engineRates"))) {
                    if (e.getKey().startsWith("sgemm")) {
                        best = Math.max(best, e.getValue().asDouble());
                    }
                }
            }
            for (JsonNode r : reference) {
                best = Math.max(best, r.get("sgemmBest").asDouble());
            }
            rates.append("ours engine ").append(a.get("engineRates")).append("; reference BLAS ").append(b.get("sgemm"));
            out.printf(Locale.ROOT, "achieved 2nmd/t: ours %.1f G/s (kernel %s, %d fallbacks), reference %.1f GFLOP/s%n",
                    oursRate, a.get("kernel").asText(), a.get("fallbacks").asInt(), refRate);
            out.printf(Locale.ROOT, "ours: %.3f s of %.3f s in the engine's products (median over rounds)%n",
                    median(ours.stream().mapToDouble(r -> r.get("gemmSeconds").asDouble()).toArray()),
                    median(values(ours)));
            JsonNode chosen = a.get("kernelChoice");
            out.printf(Locale.ROOT, "kernel chosen by measurement (KernelChoice): %s (int8 product %.1f G/s, "
                    + "float32 product %.1f GFLOP/s)%n", chosen.get("kernel").asText(),
                    chosen.get("int8Rate").asDouble(), chosen.get("float32Rate").asDouble());
            out.printf(Locale.ROOT, "plain products, same processes (G/s, last round): %s%n", rates);
            out.printf(Locale.ROOT, "best sgemm seen in this run %.1f GFLOP/s; ours reaches %.0f%% of it%n", best,
                    100 * oursRate / best);
            out.printf(Locale.ROOT, "memorized: ours %d (exact), reference %d (float32 cdist)%n",
                    a.get("memorized").asInt(), b.get("memorized").asInt());
        } else if (a.has("params")) {
            out.printf(Locale.ROOT, "trainable parameters: ours %,d, reference %,d%n", a.get("params").asLong(),
                    b.get("params").asLong());
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node == null ? List.of() : node::fields;
    }

    private static String brief(JsonNode r) {
        return String.format(Locale.ROOT, "%s %s, peak RSS %.0f MiB", fmt(r.get("value").asDouble()),
                r.get("unit").asText(), r.path("peakRssMb").asDouble());
    }

    static double[] values(List<JsonNode> results) {
        return results.stream().mapToDouble(r -> r.get("value").asDouble()).toArray();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temporary files only
        }
    }
}
