package dev.emm.bench.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.Resampling;
import dev.emm.core.json.Json;
import dev.emm.core.sampling.Denoiser;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.Presets;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.DjlRuntime;
import dev.emm.djl.NetworkDenoiser;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One side of {@link ThreadPlanProbe}: a trainer's or a sampler's compute loop on the default
 * preset's network ({@code small-ddpmpp-mnist}), running until killed, as the trainer-service and
 * the sampler-service run it. Threads come from the environment exactly as in a service
 * ({@code EMM_TORCH_THREADS}, {@code OMP_WAIT_POLICY}, ...; {@link DjlRuntime}).
 *
 * <p>Prints {@code ready} once warm, then every 100 ms {@code n <count>}: training steps done
 * (train), or network evaluations times batch rows (sample; divide by 35 for samples).
 *
 * <pre>args: train | sample</pre>
 */
public final class ContentionWorker {

    static final String PRESET = "small-ddpmpp-mnist";
    /** The trainer's batch size when set (the preset's otherwise). */
    static final String BATCH_ENV = "EMM_PROBE_BATCH";
    private static final ObjectMapper JSON = Json.mapper();

    private ContentionWorker() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode preset = Presets.find(PRESET).orElseThrow();
        ModelSpec model = JSON.treeToValue(preset.get("model"), ModelSpec.class);
        TrainingSpec training = JSON.treeToValue(preset.get("training"), TrainingSpec.class);
        // the preset's count and batch, EDM's 18-step Heun schedule (the spec's defaults)
        SamplingSpec sampling = new SamplingSpec(preset.get("sampling").get("sampleCount").asInt(), 0L, 18, 0.002,
                80.0, 7.0, 0.0, 0.0, null, 1.0, preset.get("sampling").get("batchSize").asInt());
        DjlRuntime.engine();
        AtomicLong count = new AtomicLong();
        switch (args[0]) {
            case "train" -> train(model, training, count);
            case "sample" -> sample(model, training, sampling, count);
            default -> throw new IllegalArgumentException("train or sample, not " + args[0]);
        }
    }

    /** The first 64 bundled digits at 16x16: a step's cost does not depend on |D| (docs/BENCHMARKS.md). */
    static ImageSet digits() throws Exception {
        try (InputStream in = ContentionWorker.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
            ImageSet all = ImageSetCodec.read(in);
            int size = 64;
            return Resampling.toResolution(new ImageSet(1, 28, 28, 10, Arrays.copyOf(all.labels(), size),
                    Arrays.copyOf(all.pixels(), size * all.dimension())), 16, ResamplingMethod.AREA);
        }
    }

    private static void train(ModelSpec model, TrainingSpec training, AtomicLong count) throws Exception {
        // The trainer-service's progress interval (2 s) and the preset's snapshots, so a step does what
        // the service's step does; the step counter is read by the reporter thread.
        String batch = System.getenv(BATCH_ENV);
        int batchSize = batch == null ? training.batchSize() : Integer.parseInt(batch);
        try (TrainingRun run = new TrainingRun(model, training.forSteps(batchSize, 100_000_000L),
                digits(), null, 0, null, new TrainingRun.Options(null, 2000))) {
            Thread reporter = new Thread(() -> {
                while (run.step() < 5) {
                    pause(20);
                }
                System.out.println("ready");
                report(run::step);
            }, "reporter");
            reporter.setDaemon(true);
            reporter.start();
            run.run(new TrainingListener() { });
        }
    }

    private static void sample(ModelSpec model, TrainingSpec training, SamplingSpec sampling, AtomicLong rows)
            throws Exception {
        byte[][] snapshot = new byte[1][];
        try (TrainingRun run = new TrainingRun(model, training.forSteps(training.batchSize(), 1), digits(), null, 0,
                null, new TrainingRun.Options(null, 0))) {
            run.run(new TrainingListener() {
                @Override
                public void snapshot(int index, byte[] bytes) {
                    snapshot[0] = bytes;
                }
            });
        }
        try (NetworkDenoiser network = new NetworkDenoiser(snapshot[0])) {
            Denoiser counted = new Denoiser() {
                @Override
                public double[][] denoise(double[][] noisy, double sigma, int[] classLabels) {
                    double[][] out = network.denoise(noisy, sigma, classLabels);
                    rows.addAndGet(noisy.length);
                    return out;
                }

                @Override
                public double sigmaMin() {
                    return network.sigmaMin();
                }

                @Override
                public double sigmaMax() {
                    return network.sigmaMax();
                }
            };
            EdmHeunSampler sampler = new EdmHeunSampler(sampling);
            int resolution = network.header().resolution();
            int channels = network.header().imageChannels();
            // warm-up: one batch (the engine's kernels for this shape are set up on first use)
            sampler.sampleRange(counted, channels, resolution, 0, sampling.batchSize(), done -> { });
            System.out.println("ready");
            Thread reporter = new Thread(() -> report(rows::get), "reporter");
            reporter.setDaemon(true);
            reporter.start();
            while (true) {
                sampler.sampleAll(counted, channels, resolution, done -> { });
            }
        }
    }

    private static void report(java.util.function.LongSupplier count) {
        while (true) {
            System.out.println("n " + count.getAsLong());
            pause(100);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
