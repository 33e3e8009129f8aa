package dev.emm.gpucheck;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.djl.DjlRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The GPU check (issue 16): for each preset, on CUDA when the engine has it and on the CPU,
 * <ol>
 * <li>the same training-step computation on CUDA and on the CPU, compared ({@link DeviceEquivalence});
 * <li>EMM's training run: first losses and img/s ({@link TrainingProbe});
 * <li>EMM's sampling from that run's snapshot: img/s and an image grid ({@link SamplingProbe});
 * <li>PyTorch eager running emm-bench/reference on the same device and network ({@link ReferenceRunner}).
 * </ol>
 * Prints a report and writes {@code probe.json} and the sample grids to {@code --out}. Without CUDA it
 * says why at the start and runs the CPU part. Exit code: 0 done (and every comparison within its
 * tolerance), 1 a comparison outside its tolerance or a part failed, 2 bad arguments, 3 no CUDA with
 * {@code --require-cuda}.
 */
public final class GpuProbe {

    private static final ObjectMapper JSON = Json.mapper();

    private GpuProbe() {
    }

    public static void main(String[] args) throws IOException {
        ProbeOptions options;
        try {
            options = ProbeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-check: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out));
    }

    static int run(ProbeOptions o, PrintStream out) throws IOException {
        Files.createDirectories(o.out());
        Engine engine = DjlRuntime.engine();
        String cudaProblem = cudaProblem(engine);
        ObjectNode report = JSON.createObjectNode();
        ObjectNode machine = report.putObject("machine");
        machine.put("cpu", cpuName());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        machine.put("engine", "DJL " + Engine.getDjlVersion() + ", libtorch " + engine.getVersion());
        machine.put("libtorch", LibUtils.getLibtorchPath());
        machine.put("gpuCount", engine.getGpuCount());
        machine.put("cudaAvailable", cudaProblem == null);
        machine.put("defaultDevice", DjlRuntime.defaultDevice().toString());
        out.printf(Locale.ROOT, "gpu-check: %s; libtorch from %s%n", machine.get("engine").asText(),
                machine.get("libtorch").asText());
        out.printf(Locale.ROOT, "gpu-check: CPU %s, %d cores; DJL sees %d GPU(s); EMM's default device: %s%n",
                machine.get("cpu").asText(), machine.get("cores").asInt(), engine.getGpuCount(),
                machine.get("defaultDevice").asText());
        if (cudaProblem != null) {
            machine.put("cudaProblem", cudaProblem);
            out.println("gpu-check: NO CUDA: " + cudaProblem + ". Running the CPU part only"
                    + (o.requireCuda() ? " (--require-cuda: exit code 3 at the end)." : "."));
        } else {
            out.println("gpu-check: CUDA device 0 works; comparing CUDA with the CPU.");
        }
        Device gpu = cudaProblem == null ? Device.gpu(0) : null;
        int threads = Runtime.getRuntime().availableProcessors();
        ReferenceRunner reference = new ReferenceRunner(o.python(), o.home(), threads);
        boolean ok = true;
        ArrayNode results = report.putArray("presets");
        for (String preset : o.presets()) {
            ok &= probePreset(o, preset, gpu, reference, results.addObject(), out);
        }
        Path json = o.out().resolve("probe.json");
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        out.println("gpu-check: wrote " + json + (ok ? "" : " (with failures, see above)"));
        if (cudaProblem != null && o.requireCuda()) {
            return 3;
        }
        return ok ? 0 : 1;
    }

    private static boolean probePreset(ProbeOptions o, String preset, Device gpu, ReferenceRunner reference,
                                       ObjectNode r, PrintStream out) {
        ExperimentSpec spec = SpecValidator.validated(new ExperimentSpec(null, null, null, null, null, null, preset));
        ModelSpec m = spec.model();
        ModelSpec model = o.modelChannels() == null ? m : new ModelSpec(m.kind(), o.modelChannels(), m.channelMult(),
                m.numBlocks(), m.attnResolutions(), m.dropout(), m.embeddingType(), m.skipConnections());
        SamplingSpec s = spec.sampling();
        SamplingSpec sampling = o.numSteps() == null ? s : new SamplingSpec(s.sampleCount(), s.firstSeed(), o.numSteps(),
                s.sigmaMin(), s.sigmaMax(), s.rho(), s.churn(), s.churnSigmaMin(), s.churnSigmaMax(), s.noiseScale(),
                s.batchSize());
        int channels = "mnist".equalsIgnoreCase(spec.data().dataset()) ? 1 : 3;
        int resolution = spec.data().resolution();
        PreconditioningType preconditioning = spec.training().preconditioning();
        int batch = o.batch() != null ? o.batch() : spec.training().batchSize();
        r.put("preset", preset);
        r.set("model", JSON.valueToTree(model));
        r.put("image", channels + "x" + resolution + "x" + resolution);
        r.put("preconditioning", preconditioning.toString());
        out.printf(Locale.ROOT, "%n== %s: %s, %dx%dx%d, %s preconditioning, float32%n", preset, describe(model),
                channels, resolution, resolution, preconditioning);
        boolean ok = true;

        if (gpu != null) {
            ok &= guarded(r, "equivalence", out, () -> {
                DeviceEquivalence.Result e = DeviceEquivalence.compare(model, preconditioning, channels, resolution,
                        o.compareBatch(), o.seed(), gpu, Device.cpu());
                ObjectNode n = r.putObject("equivalence");
                n.put("batch", e.batch());
                n.put("lossCuda", e.a().loss());
                n.put("lossCpu", e.b().loss());
                n.put("lossRelative", e.lossRelative());
                n.put("outputRelative", e.outputRelative());
                n.put("gradientRelative", e.gradientRelative());
                n.put("lossTolerance", DeviceEquivalence.LOSS_TOLERANCE);
                n.put("outputTolerance", DeviceEquivalence.OUTPUT_TOLERANCE);
                n.put("gradientTolerance", DeviceEquivalence.GRADIENT_TOLERANCE);
                n.put("passed", e.passed());
                out.printf(Locale.ROOT, "same weights and draws, batch %d: loss CUDA %.7f, CPU %.7f (relative %.2e, "
                                + "tolerance %.0e); denoised output %.2e (%.0e); gradient %.2e (%.0e): %s%n",
                        e.batch(), e.a().loss(), e.b().loss(), e.lossRelative(), DeviceEquivalence.LOSS_TOLERANCE,
                        e.outputRelative(), DeviceEquivalence.OUTPUT_TOLERANCE, e.gradientRelative(),
                        DeviceEquivalence.GRADIENT_TOLERANCE, e.passed() ? "PASS" : "FAIL");
                return e.passed();
            });
        }

        List<Device> devices = new ArrayList<>();
        if (gpu != null) {
            devices.add(gpu);
        }
        if (o.cpuPresets().contains(preset)) {
            devices.add(Device.cpu());
        }
        // PyTorch first: a python process returns all its GPU memory when it exits, while this JVM's
        // libtorch keeps freed blocks cached for its next allocation.
        if (o.reference()) {
            ArrayNode refs = r.putArray("reference");
            ObjectNode modelJson = JSON.valueToTree(model);
            for (Device device : devices) {
                boolean onGpu = !device.equals(Device.cpu());
                String torchDevice = onGpu ? "cuda" : "cpu";
                int b = onGpu ? batch : Math.min(batch, o.cpuBatch());
                int steps = onGpu ? o.steps() : o.cpuSteps();
                int count = onGpu ? o.samples() : o.cpuSamples();
                ObjectNode n = refs.addObject();
                n.put("device", torchDevice);
                ok &= guarded(n, "error", out, () -> {
                    JsonNode t = reference.train(spec, modelJson, channels, resolution, b, Math.max(1024, 4 * b),
                            o.warmup(), steps, torchDevice);
                    n.set("train", t);
                    out.printf(Locale.ROOT, "reference %-6s train  batch %4d: %10.1f img/s (%s; %,d parameters)%n",
                            torchDevice, b, t.path("value").asDouble(), t.path("engine").asText(),
                            t.path("params").asLong());
                    JsonNode sm = reference.sample(preconditioning, sampling, modelJson, channels, resolution, count,
                            Math.min(count, o.sampleBatch()), torchDevice);
                    n.set("sample", sm);
                    out.printf(Locale.ROOT, "reference %-6s sample batch %4d: %10.2f img/s%n", torchDevice,
                            Math.min(count, o.sampleBatch()), sm.path("value").asDouble());
                    return true;
                });
            }
        }
        ArrayNode ours = r.putArray("ours");
        for (Device device : devices) {
            boolean onGpu = !device.equals(Device.cpu());
            int b = onGpu ? batch : Math.min(batch, o.cpuBatch());
            int steps = onGpu ? o.steps() : o.cpuSteps();
            int count = onGpu ? o.samples() : o.cpuSamples();
            int sampleBatch = Math.min(count, o.sampleBatch());
            ObjectNode n = ours.addObject();
            n.put("device", device.toString());
            ok &= guarded(n, "error", out, () -> {
                TrainingProbe.Result t = TrainingProbe.measure(model, spec.training(), channels, resolution,
                        Math.max(1024, 4 * b), b, o.warmup(), steps, device);
                ObjectNode tn = n.putObject("train");
                tn.put("batch", t.batch());
                tn.put("steps", t.steps());
                tn.put("imagesPerSecond", t.imagesPerSecond());
                tn.put("parameters", t.parameters());
                tn.set("firstLosses", JSON.valueToTree(t.firstLosses()));
                out.printf(Locale.ROOT, "ours      %-6s train  batch %4d: %10.1f img/s (%d steps after %d; "
                                + "%,d parameters; losses of steps 1..%d %s)%n", device, t.batch(), t.imagesPerSecond(),
                        t.steps(), o.warmup(), t.parameters(), o.warmup(), TrainingProbe.losses(t.firstLosses()));
                Path grid = o.out().resolve("samples-" + preset + "-" + (onGpu ? "cuda" : "cpu")
                        + (channels == 1 ? ".pgm" : ".ppm"));
                SamplingProbe.Result sr = SamplingProbe.measure(t.snapshot(), sampling, count, sampleBatch, channels,
                        resolution, device, grid);
                ObjectNode sn = n.putObject("sample");
                sn.put("samples", sr.count());
                sn.put("batch", sr.batch());
                sn.put("heunSteps", sr.numSteps());
                sn.put("imagesPerSecond", sr.imagesPerSecond());
                sn.put("checksum", sr.checksum());
                sn.put("grid", grid.getFileName().toString());
                out.printf(Locale.ROOT, "ours      %-6s sample batch %4d: %10.2f img/s (%d samples, %d Heun steps; "
                                + "grid %s)%n", device, sr.batch(), sr.imagesPerSecond(), sr.count(), sr.numSteps(),
                        grid.getFileName());
                return true;
            });
            if (onGpu) {
                JniUtils.emptyCudaCache();  // a no-op unless the bridge was built with DJL's CUDA code
            }
        }

        if (o.reference()) {
            ratios(r, out);
        }
        return ok;
    }

    /** ours / reference img/s per device and stage, where both were measured. */
    private static void ratios(ObjectNode r, PrintStream out) {
        ObjectNode ratios = r.putObject("ratios");
        for (JsonNode ours : r.path("ours")) {
            for (JsonNode ref : r.path("reference")) {
                String device = ours.path("device").asText();
                boolean same = device.startsWith("gpu") ? "cuda".equals(ref.path("device").asText())
                        : "cpu".equals(ref.path("device").asText());
                if (!same) {
                    continue;
                }
                for (String stage : List.of("train", "sample")) {
                    double a = ours.path(stage).path("imagesPerSecond").asDouble(Double.NaN);
                    double b = ref.path(stage).path("value").asDouble(Double.NaN);
                    if (!Double.isNaN(a) && !Double.isNaN(b) && b > 0) {
                        ratios.put(ref.path("device").asText() + "." + stage, a / b);
                        out.printf(Locale.ROOT, "ratio     %-6s %-6s ours / PyTorch eager: %.3f%n",
                                ref.path("device").asText(), stage, a / b);
                    }
                }
            }
        }
    }

    /** A part of the probe that may fail on its own: its error is reported and recorded, the rest goes on. */
    private interface Part {
        boolean run() throws Exception;
    }

    private static boolean guarded(ObjectNode node, String field, PrintStream out, Part part) {
        try {
            return part.run();
        } catch (Exception | LinkageError e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            node.put(field, message);
            out.println("FAILED " + field + ": " + message);
            e.printStackTrace();
            return false;
        }
    }

    /** Null when CUDA device 0 computes, else why not. */
    static String cudaProblem(Engine engine) {
        if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            return "the loaded libtorch (" + LibUtils.getLibtorchPath() + ") reports no usable CUDA "
                    + "(a CPU-only build, no GPU, or no driver)";
        }
        try (NDManager manager = NDManager.newBaseManager(Device.gpu(0))) {
            float two = manager.create(1f).add(manager.create(1f)).getFloat();
            return two == 2f ? null : "1 + 1 on CUDA device 0 gave " + two;
        } catch (RuntimeException e) {
            return "CUDA device 0 failed: " + e.getMessage();
        }
    }

    private static String describe(ModelSpec m) {
        return String.format(Locale.ROOT, "%s %d channels %s, %d blocks, attention at %s, dropout %s", m.kind(),
                m.modelChannels(), m.channelMult(), m.numBlocks(), m.attnResolutions(), m.dropout());
    }

    static String cpuName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
