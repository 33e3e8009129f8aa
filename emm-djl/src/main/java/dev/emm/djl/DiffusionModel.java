package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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

    /**
     * One batch of EDM's loss: sigma and noise drawn from the engine's generator (sigma first, as in
     * loss.py), returns {@code sum(lambda(sigma) (D(y + n; sigma) - y)^2) / N}, the quantity EDM's
     * training loop back-propagates ({@code loss.sum() / batch}). Divide by C*H*W for the per-pixel
     * mean that EDM reports.
     */
    public NDArray loss(ParameterStore ps, NDManager manager, NDArray y, NDArray labels, boolean training) {
        int n = (int) y.getShape().get(0);
        NDArray sigma = preconditioning.sampleSigma(manager, n, DataType.FLOAT32);
        NDArray noise = manager.randomNormal(0, 1, y.getShape(), DataType.FLOAT32).mul(sigma);
        NDArray d = denoise(ps, y.add(noise), sigma, labels, training);
        return Ops.scale(d.sub(y).square().mul(preconditioning.weight(sigma)).sum(), 1.0 / n);
    }
}
