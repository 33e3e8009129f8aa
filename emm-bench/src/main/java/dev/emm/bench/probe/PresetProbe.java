package dev.emm.bench.probe;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.LabelMode;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.NetworkDenoiser;
import dev.emm.djl.RunProgress;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * Memorization ratio of a small-preset candidate at several |D| (nested class-balanced MNIST
 * subsets at 16x16, unconditional, EDM preconditioning, batch min(64, |D|)), scored at every
 * snapshot with 256 samples of 18-step Heun, as the pipeline would.
 *
 * <pre>
 * args: channels mult(comma) blocks attn(comma or -) steps lr snapshotEverySteps sizes(comma) [maxBatch]
 * </pre>
 */
public final class PresetProbe {

    public static void main(String[] args) throws Exception {
        int channels = Integer.parseInt(args[0]);
        List<Integer> mult = Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList();
        int blocks = Integer.parseInt(args[2]);
        List<Integer> attn = args[3].equals("-") ? List.of()
                : Arrays.stream(args[3].split(",")).map(Integer::parseInt).toList();
        long steps = Long.parseLong(args[4]);
        double lr = Double.parseDouble(args[5]);
        long snapshotSteps = Long.parseLong(args[6]);
        int[] sizes = Arrays.stream(args[7].split(",")).mapToInt(Integer::parseInt).toArray();
        int maxBatch = args.length > 8 ? Integer.parseInt(args[8]) : 64;
        ImageSet source;
        try (InputStream in = PresetProbe.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
            source = ImageSetCodec.read(in);
        }
        DataSpec data = new DataSpec("mnist", 16, 10, null, LabelMode.NONE, 10, 0L, ResamplingMethod.AREA, null);
        ModelSpec model = new ModelSpec(ModelKind.DDPMPP, channels, mult, blocks, attn, 0.0, EmbeddingType.POSITIONAL, null);
        SamplingSpec sampling = new SamplingSpec(256, 0L, 18, 0.002, 80.0, 7.0, 0.0, 0.0, null, 1.0, 128);
        System.out.printf("probe %s steps %d lr %g%n", model, steps, lr);
        for (int size : sizes) {
            ImageSet images = TrainingSubset.materialize(source, data, size).images();
            int batch = Math.min(maxBatch, size);
            TrainingSpec training = new TrainingSpec(PreconditioningType.EDM, lr, 0L, batch, null, null, null, 0.0, null, 0.0, 0L, DurationUnit.STEPS,
                    steps, snapshotSteps * batch, null);
            long t0 = System.nanoTime();
            long[] trainNanos = {0};
            long[] sampleNanos = {0};
            double[] best = {0};
            try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                    new TrainingRun.Options(Device.cpu(), 60_000))) {
                long[] mark = {System.nanoTime()};
                run.run(new TrainingListener() {
                    @Override
                    public void progress(RunProgress p) {
                    }

                    @Override
                    public void snapshot(int index, byte[] modelBytes) {
                        long s0 = System.nanoTime();
                        trainNanos[0] += s0 - mark[0];
                        ImageSet samples;
                        try (NetworkDenoiser d = new NetworkDenoiser(modelBytes, Device.cpu())) {
                            samples = new EdmHeunSampler(sampling).sampleAll(d, 1, 16, done -> { });
                        }
                        MemorizationSummary m = MemorizationMetric.nearestTwo(samples, images).summary();
                        best[0] = Math.max(best[0], m.ratio());
                        mark[0] = System.nanoTime();
                        sampleNanos[0] += mark[0] - s0;
                        System.out.printf("size %4d  snapshot %d (step %d)  ratio %.3f  [train %.0f s, sample+metric %.0f s]%n",
                                size, index, index * snapshotSteps, m.ratio(), trainNanos[0] / 1e9, sampleNanos[0] / 1e9);
                    }
                });
            }
            System.out.printf("RESULT size %4d batch %d: best ratio %.3f, total %.0f s (train %.0f s, sample+metric %.0f s)%n",
                    size, batch, best[0], (System.nanoTime() - t0) / 1e9, trainNanos[0] / 1e9, sampleNanos[0] / 1e9);
        }
    }
}
