package dev.emm.gpucheck;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.djl.DiffusionModel;
import dev.emm.djl.DjlRuntime;
import dev.emm.djl.Networks;
import dev.emm.djl.Preconditioning;
import dev.emm.djl.nn.Ops;
import dev.emm.djl.nn.SongUNet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The same training-step computation on two devices: one network initialised from the same seed
 * (EMM initialises in Java, so the weights are bit-identical), the same clean images, noise levels
 * and noise drawn in Java, EDM's loss {@code sum(lambda(sigma) (D(y + n sigma; sigma) - y)^2) / N}
 * and its gradient with respect to every trainable parameter, on the training path ({@code training =
 * true}: EMM's fused TorchScript ops run without inference mode, as in a training step). Dropout is
 * set to 0 for this comparison: its mask would come from each device's own generator.
 *
 * <p>Why not compare two {@link dev.emm.djl.TrainingRun}s: a run draws its noise levels, noise and
 * dropout from the engine's generator on the run's device, and CUDA's generator (Philox) gives other
 * numbers than the CPU's (Mersenne Twister) for the same seed, so their losses agree only
 * statistically.
 */
final class DeviceEquivalence {

    /**
     * Accepted relative differences. The loaded libtorch runs float32 convolutions on cuDNN with
     * TF32 allowed (libtorch's default, as in PyTorch: {@code torch.backends.cudnn.allow_tf32}), which
     * rounds each convolution's inputs to 10 mantissa bits (unit roundoff 2^-11 = 4.9e-4); with about
     * 20 convolutions in sequence the output can move by about 1e-2 relative. Without TF32 the same
     * comparison is expected near 1e-5 (summation order only).
     */
    static final double LOSS_TOLERANCE = 1e-2;
    static final double OUTPUT_TOLERANCE = 1e-2;
    static final double GRADIENT_TOLERANCE = 5e-2;

    /** What one device computed. */
    record Side(Device device, double loss, float[] output, float[] gradient, double seconds) {
    }

    /**
     * @param outputRelative max |D_a - D_b| over max |D_a| (the denoised batch)
     * @param gradientRelative |g_a - g_b| / |g_a| over all trainable parameters (L2)
     */
    record Result(Side a, Side b, int batch, double lossRelative, double outputRelative, double gradientRelative) {
        boolean passed() {
            return lossRelative <= LOSS_TOLERANCE && outputRelative <= OUTPUT_TOLERANCE
                    && gradientRelative <= GRADIENT_TOLERANCE;
        }
    }

    private DeviceEquivalence() {
    }

    static Result compare(ModelSpec model, PreconditioningType preconditioning, int channels, int resolution, int batch, long seed,
                          Device a, Device b) {
        Side sa = evaluate(model, preconditioning, channels, resolution, batch, seed, a);
        Side sb = evaluate(model, preconditioning, channels, resolution, batch, seed, b);
        return new Result(sa, sb, batch, Math.abs(sa.loss() - sb.loss()) / Math.abs(sa.loss()),
                maxAbsDifference(sa.output(), sb.output()) / maxAbs(sa.output()),
                l2Difference(sa.gradient(), sb.gradient()) / l2(sa.gradient()));
    }

    static Side evaluate(ModelSpec model, PreconditioningType preconditioningType, int channels, int resolution,
                         int batch, long seed, Device device) {
        Engine engine = DjlRuntime.engine();
        Preconditioning preconditioning = Preconditioning.of(preconditioningType);
        int d = channels * resolution * resolution;
        SplittableRandom random = new SplittableRandom(seed);
        float[] clean = new float[batch * d];
        float[] noise = new float[batch * d];
        float[] draws = new float[batch];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = (float) (random.nextInt(256) / 127.5 - 1);
            noise[i] = (float) gaussian(random);
        }
        for (int i = 0; i < batch; i++) {
            draws[i] = (float) (preconditioning == Preconditioning.EDM ? gaussian(random) : random.nextDouble());
        }
        Shape perSample = new Shape(batch, 1, 1, 1);
        float[] sigma;
        float[] weight;
        // sigma and lambda(sigma) from the host's draws on the CPU, so that both devices get the same values
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            NDArray s = preconditioning.sigmaOfDraw(cpu.create(draws, perSample));
            sigma = s.toFloatArray();
            weight = preconditioning.weight(s).toFloatArray();
        }
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            ModelSpec noDropout = new ModelSpec(model.kind(), model.modelChannels(), model.channelMult(),
                    model.numBlocks(), model.attnResolutions(), 0.0, model.embeddingType(), model.skipConnections());
            SongUNet net = Networks.build(noDropout, channels, resolution, 0);
            net.initialize(manager, DataType.FLOAT32, seed);
            DiffusionModel diffusion = new DiffusionModel(net, preconditioning);
            Shape images = new Shape(batch, channels, resolution, resolution);
            float[] output;
            double loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                // Created inside the collector, as a training step creates its draws: arrays made while
                // gradients are off are inference tensors, which autograd may not save for backward.
                NDArray y = manager.create(clean, images);
                NDArray s = manager.create(sigma, perSample);
                NDArray w = manager.create(weight, perSample);
                NDArray noisy = manager.create(noise, images).mul(s).add(y);
                NDArray denoised = diffusion.denoise(new ParameterStore(manager, false), noisy, s, null, true);
                // Ops.scale, not div(Number): autograd keeps the divisor, which must outlive backward.
                NDArray total = Ops.scale(denoised.sub(y).square().mul(w).sum(), 1.0 / batch);
                output = denoised.toFloatArray();
                loss = total.getFloat();
                collector.backward(total);
            }
            List<float[]> grads = new ArrayList<>();
            int size = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    float[] g = p.getValue().getArray().getGradient().toFloatArray();
                    grads.add(g);
                    size += g.length;
                }
            }
            float[] gradient = new float[size];
            int offset = 0;
            for (float[] g : grads) {
                System.arraycopy(g, 0, gradient, offset, g.length);
                offset += g.length;
            }
            return new Side(device, loss, output, gradient, (System.nanoTime() - start) / 1e9);
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller on two uniform draws: a device-independent standard normal.
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double maxAbsDifference(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double l2(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static double l2Difference(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double e = (double) a[i] - b[i];
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
