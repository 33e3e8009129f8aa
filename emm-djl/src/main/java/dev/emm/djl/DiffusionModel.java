package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.emm.djl.nn.Ops;
import dev.emm.djl.nn.SongUNet;

/**
 * A SongUNet under a preconditioning: the denoiser D(x; sigma) and EDM's training loss. Arrays are
 * float32 on the network's device; inputs are never closed. The arrays made here are image-sized or
 * smaller and live in the inputs' manager until the caller closes it (TrainingRun's per-step
 * sub-manager, NetworkDenoiser's per-call one); the network closes its activations as it goes.
 */
public final class DiffusionModel {

    private final SongUNet net;
    private final Preconditioning preconditioning;

    public DiffusionModel(SongUNet net, Preconditioning preconditioning) {
        this.net = net;
        this.preconditioning = preconditioning;
    }

    public SongUNet net() {
        return net;
    }

    public Preconditioning preconditioning() {
        return preconditioning;
    }

    /**
     * D(x; sigma) = c_skip x + c_out F(c_in x; c_noise, labels).
     *
     * @param sigma per-sample noise levels [N, 1, 1, 1]
     * @param labels int64 class labels [N], or null
     */
    public NDArray denoise(ParameterStore ps, NDArray x, NDArray sigma, NDArray labels, boolean training) {
        NDArray xIn = x.mul(preconditioning.cIn(sigma));
        NDArray f = net.apply(ps, xIn, preconditioning.cNoise(sigma), labels, training);
        return x.mul(preconditioning.cSkip(sigma)).add(f.mul(preconditioning.cOut(sigma)));
    }

    /** A batch's noise levels [N, 1, 1, 1] and the noise n ~ N(0, sigma^2) added to its images. */
    public record Noise(NDArray sigma, NDArray noise) {
    }

    /**
     * Draws a batch's noise from the engine's generator, sigma first and then the noise, as EDM's
     * loss.py does.
     */
    public Noise drawNoise(NDManager manager, Shape batchShape) {
        int n = (int) batchShape.get(0);
        NDArray sigma = preconditioning.sampleSigma(manager, n, DataType.FLOAT32);
        NDArray noise = manager.randomNormal(0, 1, batchShape, DataType.FLOAT32).mul(sigma);
        return new Noise(sigma, noise);
    }

    /**
     * EDM's loss of images {@code y} under {@code noise}: {@code sum(lambda(sigma) (D(y + n; sigma) - y)^2)
     * / divisor}. With the whole batch and divisor N it is the quantity EDM's training loop
     * back-propagates ({@code loss.sum() / batch}); a part of the batch with the same divisor gives its
     * share of that sum. Divide by C*H*W for the per-pixel mean that EDM reports.
     */
    public NDArray loss(ParameterStore ps, NDArray y, Noise noise, NDArray labels, int divisor, boolean training) {
        NDArray d = denoise(ps, y.add(noise.noise()), noise.sigma(), labels, training);
        return Ops.scale(d.sub(y).square().mul(preconditioning.weight(noise.sigma())).sum(), 1.0 / divisor);
    }
}
