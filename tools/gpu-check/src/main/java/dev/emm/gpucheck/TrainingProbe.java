package dev.emm.gpucheck;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.RunProgress;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import java.util.Arrays;
import java.util.Random;

/**
 * EMM's production training ({@link TrainingRun}) on one device: the losses of the first steps and
 * the training throughput, in one run of {@code warmup + steps} steps that reports progress after
 * every step. Throughput counts the steps after the warm-up (which absorbs one-time costs: CUDA
 * context, cuDNN handles, TorchScript compilation).
 *
 * <p>A progress report reads the loss back from the device, which waits for the step to finish, so
 * every timed step ends in one such wait, as in `./emm bench train` (BenchWorker). The
 * trainer-service reports every 2 s, so on a GPU it keeps the device a little busier than measured
 * here when steps are short.
 */
final class TrainingProbe {

    /** @param firstLosses per-pixel loss of steps 1..warmup (as EDM reports it) */
    record Result(Device device, int batch, int steps, double imagesPerSecond, double[] firstLosses,
                  long parameters, byte[] snapshot) {
    }

    private TrainingProbe() {
    }

    static Result measure(ModelSpec model, TrainingSpec preset, int channels, int resolution, int datasetSize,
                          int batch, int warmup, int steps, Device device) {
        ImageSet images = randomImages(datasetSize, channels, resolution);
        double[] losses = new double[warmup];
        long[] marks = new long[2];
        byte[][] snapshot = new byte[1][];
        try (TrainingRun run = new TrainingRun(model, forSteps(preset, batch, warmup + steps), images, null, 0, null,
                new TrainingRun.Options(device, 0))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    if (p.step() <= warmup) {
                        losses[(int) p.step() - 1] = p.loss();
                    }
                    if (p.step() == warmup) {
                        marks[0] = System.nanoTime();
                    } else if (p.step() == warmup + steps) {
                        marks[1] = System.nanoTime();
                    }
                }

                @Override
                public void snapshot(int index, byte[] bytes) {
                    snapshot[0] = bytes;
                }
            });
            double seconds = (marks[1] - marks[0]) / 1e9;
            return new Result(device, batch, steps, steps * (double) batch / seconds, losses,
                    run.trainableParameterCount(), snapshot[0]);
        }
    }

    /** The preset's training procedure with the probe's batch and a duration of {@code steps} steps. */
    static TrainingSpec forSteps(TrainingSpec t, int batch, long steps) {
        return t.forSteps(batch, steps);
    }

    /** Uniform random pixels from a fixed seed, as `./emm bench` trains on (throughput does not depend on them). */
    static ImageSet randomImages(int count, int channels, int resolution) {
        byte[] pixels = new byte[count * channels * resolution * resolution];
        new Random(0).nextBytes(pixels);
        return new ImageSet(channels, resolution, resolution, 1, new int[count], pixels);
    }

    static String losses(double[] v) {
        return Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1e6) / 1e6).toArray());
    }
}
