package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.TrainingSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A small network memorizes 8 MNIST digits (28x28 padded to 32, area-averaged to 16x16): trained
 * through {@link TrainingRun}, sampled from its snapshot by the core's 18-step EDM Heun sampler
 * through {@link NetworkDenoiser}, scored by the core's exact memorization metric.
 *
 * <p>It trains as the local trainer-service does on a 2-core machine: each step in two shards of
 * one intra-op thread ({@link ShardedGradients}). It once trained with two intra-op threads, which
 * beside other work on two cores crawled at about 0.4 steps/s (an OpenMP pool waits for its
 * descheduled thread at every op); two shards meet once per step.
 */
@Tag("slow")
class OverfitTest {

    @Test
    void tinyNetworkMemorizesEightDigits() {
        int resolution = Integer.getInteger("overfit.resolution", 16);
        ImageSet images = Mnist.first(8, resolution);
        ModelSpec model = new ModelSpec(ModelKind.DDPMPP, 32, List.of(1, 2), 1, List.of(), 0.0, EmbeddingType.POSITIONAL, null);
        TrainingSpec training = new TrainingSpec(PreconditioningType.EDM, Double.parseDouble(System.getProperty("overfit.lr", "2e-3")), 0L, 8, null, null, null, 0.0, null, null, 0L, DurationUnit.STEPS,
                Long.getLong("overfit.steps", 2000L), null, null);
        AtomicReference<byte[]> snapshot = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                new TrainingRun.Options(Device.cpu(), 10_000, 2))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    System.out.printf("step %d loss %.4f %.0f img/s%n", p.step(), p.loss(), p.imagesPerSecond());
                }

                @Override
                public void snapshot(int index, byte[] modelBytes) {
                    snapshot.set(modelBytes);
                }
            });
        }
        long t1 = System.nanoTime();
        SamplingSpec sampling = new SamplingSpec(64, 0L, 18, 0.002, 80.0, 7.0, 0.0, 0.0, null, 1.0, 64);
        ImageSet samples;
        try (NetworkDenoiser denoiser = new NetworkDenoiser(snapshot.get(), Device.cpu())) {
            samples = new EdmHeunSampler(sampling).sampleAll(denoiser, 1, resolution, done -> { });
        }
        MemorizationSummary summary = MemorizationMetric.nearestTwo(samples, images).summary();
        System.out.printf("train %.1f s, sample %.1f s, ratio %.3f (%d of %d)%n", (t1 - t0) / 1e9,
                (System.nanoTime() - t1) / 1e9, summary.ratio(), summary.memorizedCount(), summary.sampleCount());
        assertTrue(summary.ratio() >= 0.9, "memorization ratio " + summary.ratio());
    }
}
