package dev.emm.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.data.ImageSet;
import dev.emm.core.json.Json;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.DjlRuntime;
import dev.emm.djl.NetworkDenoiser;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import dev.emm.djl.RunProgress;
import dev.emm.metric.fast.FastNearestNeighbours;
import dev.emm.metric.fast.IntMatMul;
import dev.emm.metric.fast.KernelChoice;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * "Ours" in one benchmark measurement: a fresh JVM per measurement that runs EMM's production code
 * path (TrainingRun, NetworkDenoiser + EdmHeunSampler, FastNearestNeighbours) on the config JSON
 * that the reference program gets too, and prints one JSON result line with its peak RSS (VmHWM).
 *
 * <pre>java -cp ... dev.emm.bench.BenchWorker --config '{"bench": "train", ...}'</pre>
 */
public final class BenchWorker {

    private static final ObjectMapper JSON = Json.mapper();

    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !"--config".equals(args[0])) {
            System.err.println("usage: BenchWorker --config JSON");
            System.exit(2);
        }
        // Result lines go to the real stdout; anything the libraries print goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);
        JsonNode config = JSON.readTree(args[1]);
        if (config.hasNonNull("threads")) {
            // a sharded training step runs each shard on its share of the threads
            int threads = Math.max(1, config.get("threads").asInt() / config.path("shards").asInt(1));
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        DjlRuntime.engine();
        ObjectNode result = switch (config.get("bench").asText()) {
            case "train" -> train(config);
            case "sample" -> sample(config);
            case "metric" -> metric(config);
            case "snapshot" -> snapshot(config);
            default -> throw new IllegalArgumentException("unknown bench " + config.get("bench"));
        };
        result.put("side", "ours");
        result.put("peakRssMb", Math.round(peakRssKb() / 102.4) / 10.0);
        result.put("engine", "DJL " + ai.djl.engine.Engine.getDjlVersion() + " PyTorch "
                + DjlRuntime.engine().getVersion() + ", " + System.getProperty("ai.djl.pytorch.num_threads")
                + " threads");
        out.println(JSON.writeValueAsString(result));
        out.flush();
        System.exit(0);
    }

    // ---- training ----

    static TrainingSpec trainingFor(JsonNode config, long steps) throws IOException {
        TrainingSpec t = JSON.treeToValue(config.get("training"), TrainingSpec.class);
        return t.forSteps(t.batchSize(), steps);
    }

    static ImageSet randomImages(int count, int channels, int resolution, long seed) {
        byte[] pixels = new byte[count * channels * resolution * resolution];
        new Random(seed).nextBytes(pixels);
        return new ImageSet(channels, resolution, resolution, 1, new int[count], pixels);
    }

    private static ObjectNode train(JsonNode config) throws IOException {
        ModelSpec model = JSON.treeToValue(config.get("model"), ModelSpec.class);
        int warmup = config.get("warmupSteps").asInt();
        int steps = config.get("steps").asInt();
        // one step more than measured, cancelled after the last measured one: no end-of-run snapshot
        TrainingSpec training = trainingFor(config, warmup + steps + 1L);
        int channels = config.get("channels").asInt();
        int resolution = config.get("resolution").asInt();
        ImageSet images = randomImages(config.get("datasetSize").asInt(), channels, resolution, 0);
        long[] marks = new long[2];
        double[] loss = new double[1];
        long params;
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                new TrainingRun.Options(null, 0, config.get("shards").asInt()))) {
            params = run.trainableParameterCount();
            marks[0] = System.nanoTime();
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    if (p.step() == warmup) {
                        marks[0] = System.nanoTime();
                    }
                    if (p.step() == warmup + steps) {
                        marks[1] = System.nanoTime();
                        loss[0] = p.loss();
                        run.cancel();
                    }
                }
            });
        }
        double seconds = (marks[1] - marks[0]) / 1e9;
        int batch = training.batchSize();
        ObjectNode r = JSON.createObjectNode();
        r.put("bench", "train");
        r.put("value", steps * (double) batch / seconds);
        r.put("unit", "img/s");
        r.put("seconds", seconds);
        r.put("params", params);
        r.put("batch", batch);
        r.put("steps", steps);
        r.put("loss", loss[0]);
        return r;
    }

    /** Writes the snapshot of a freshly initialised network (one training step) for the sample bench. */
    private static ObjectNode snapshot(JsonNode config) throws IOException {
        ModelSpec model = JSON.treeToValue(config.get("model"), ModelSpec.class);
        TrainingSpec training = trainingFor(config, 1);
        int channels = config.get("channels").asInt();
        int resolution = config.get("resolution").asInt();
        ImageSet images = randomImages(Math.max(2, training.batchSize()), channels, resolution, 0);
        byte[][] snapshot = new byte[1][];
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                new TrainingRun.Options(null, 0))) {
            run.run(new TrainingListener() {
                @Override
                public void snapshot(int index, byte[] bytes) {
                    snapshot[0] = bytes;
                }
            });
        }
        Files.write(Path.of(config.get("snapshotFile").asText()), snapshot[0]);
        ObjectNode r = JSON.createObjectNode();
        r.put("bench", "snapshot");
        r.put("bytes", snapshot[0].length);
        return r;
    }

    // ---- sampling ----

    private static ObjectNode sample(JsonNode config) throws IOException {
        byte[] snapshot = Files.readAllBytes(Path.of(config.get("snapshotFile").asText()));
        int count = config.get("sampleCount").asInt();
        int batch = config.get("batchSize").asInt();
        int channels = config.get("channels").asInt();
        int resolution = config.get("resolution").asInt();
        ObjectNode r = JSON.createObjectNode();
        try (NetworkDenoiser denoiser = new NetworkDenoiser(snapshot)) {
            EdmHeunSampler warm = new EdmHeunSampler(samplingSpec(config, Math.min(batch, count), batch, 12345));
            warm.sampleAll(denoiser, channels, resolution, done -> { });
            EdmHeunSampler sampler = new EdmHeunSampler(samplingSpec(config, count, batch, 0));
            long start = System.nanoTime();
            ImageSet images = sampler.sampleAll(denoiser, channels, resolution, done -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            long checksum = 0;
            for (byte b : images.pixels()) {
                checksum += b & 0xFF;
            }
            r.put("bench", "sample");
            r.put("value", count / seconds);
            r.put("unit", "img/s");
            r.put("seconds", seconds);
            r.put("samples", count);
            r.put("batch", batch);
            r.put("checksum", checksum);
        }
        return r;
    }

    static SamplingSpec samplingSpec(JsonNode config, int count, int batch, long firstSeed) {
        return new SamplingSpec(count, firstSeed, config.path("numSteps").asInt(18),
                config.path("sigmaMin").asDouble(0.002), config.path("sigmaMax").asDouble(80),
                config.path("rho").asDouble(7), 0.0, 0.0, null, 1.0, batch);
    }

    // ---- metric ----

    private static ObjectNode metric(JsonNode config) throws IOException {
        int n = config.get("samples").asInt();
        int m = config.get("training").asInt();
        int d = config.get("dimension").asInt();
        ImageSet samples = load(Path.of(config.get("samplesFile").asText()), n, d);
        ImageSet training = load(Path.of(config.get("trainingFile").asText()), m, d);
        FastNearestNeighbours.Options options = FastNearestNeighbours.Options.defaults();
        if (config.hasNonNull("kernel")) {
            options = options.withKernel(FastNearestNeighbours.Kernel.valueOf(config.get("kernel").asText()));
        }
        // The kernel is chosen by measuring both products once per process (the metric-service
        // keeps the choice); like the reference's import of torch, that is not part of the timed
        // computation.
        KernelChoice choice = KernelChoice.on(Device.cpu());
        FastNearestNeighbours.Result result = FastNearestNeighbours.compute(samples, training, options);
        double seconds = result.totalNanos() / 1e9;
        ObjectNode r = JSON.createObjectNode();
        r.put("bench", "metric");
        r.put("value", seconds);
        r.put("unit", "s");
        r.put("seconds", seconds);
        r.put("memorized", result.distances().memorizedCount());
        r.put("kernel", result.kernel().toString());
        ObjectNode chosen = r.putObject("kernelChoice");
        chosen.put("kernel", choice.kernel().toString());
        chosen.put("int8Rate", Math.round(choice.int8Rate() * 10) / 10.0);
        chosen.put("float32Rate", Math.round(choice.float32Rate() * 10) / 10.0);
        r.put("fallbacks", result.fallbacks());
        r.put("gemmSeconds", result.gemmNanos() / 1e9);
        r.put("gflops", Math.round(2.0 * n * m * d / seconds / 1e8) / 10.0);
        // The engine's own plain products on the metric's block shape, same process, same moment.
        int rows = options.trainingBlock();
        int cols = options.sampleBlock();
        ObjectNode rates = r.putObject("engineRates");
        rates.put("sgemm " + rows + "x" + d + "x" + cols, Math.round(engineRate(rows, d, cols, false) * 10) / 10.0);
        // On a processor without int8 dot products this block product alone takes half a minute;
        // the choice's own measurement already gives that rate.
        if (choice.kernel() == FastNearestNeighbours.Kernel.INT8) {
            rates.put("int8 " + rows + "x" + d + "x" + cols, Math.round(engineRate(rows, d, cols, true) * 10) / 10.0);
        }
        return r;
    }

    static ImageSet load(Path path, int rows, int dimension) throws IOException {
        byte[] pixels = Files.readAllBytes(path);
        if (pixels.length != (long) rows * dimension) {
            throw new IOException(path + " holds " + pixels.length + " bytes, expected " + rows + " x " + dimension);
        }
        return new ImageSet(1, 1, dimension, 1, new int[rows], pixels);
    }

    /** GFLOP/s (or Gop/s for int8) of the engine's plain product [rows, k] x [k, cols]. */
    static double engineRate(int rows, int k, int cols, boolean int8) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray a;
            NDArray b;
            if (int8) {
                byte[] x = new byte[rows * k];
                byte[] y = new byte[k * cols];
                new Random(1).nextBytes(x);
                new Random(2).nextBytes(y);
                a = manager.create(ByteBuffer.wrap(x), new Shape(rows, k), DataType.INT8);
                b = manager.create(ByteBuffer.wrap(y), new Shape(k, cols), DataType.INT8);
            } else {
                a = manager.randomUniform(-1, 1, new Shape(rows, k));
                b = manager.randomUniform(-1, 1, new Shape(k, cols));
            }
            IntMatMul product = int8 ? IntMatMul.on(Device.cpu()) : null;
            int repeats = 3;
            (int8 ? product.multiply(a, b) : a.matMul(b)).close();
            long start = System.nanoTime();
            for (int i = 0; i < repeats; i++) {
                (int8 ? product.multiply(a, b) : a.matMul(b)).close();
            }
            return 2.0 * rows * k * cols * repeats / ((System.nanoTime() - start) / 1e9) / 1e9;
        }
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
