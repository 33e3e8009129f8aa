package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.emm.djl.nn.Ops;
import dev.emm.djl.nn.SongUNet;

/**
 * A SongUNet under a preconditioning: the denoiser D(x; sigma) and EDM's training loss. Arrays are
 * float32 on the network's device; inputs are never closed, intermediates are closed as soon as
 * they are consumed.
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
        NDArray cIn = preconditioning.cIn(sigma);
        NDArray xIn = cIn == null ? x : x.mul(cIn);
        if (cIn != null) {
            cIn.close();
        }
        NDArray cNoise = preconditioning.cNoise(sigma);
        NDArray f = net.apply(ps, xIn, cNoise, labels, training);
        cNoise.close();
        if (xIn != x) {
            xIn.close();
        }
        NDArray cOut = preconditioning.cOut(sigma);
        NDArray scaled = f.mul(cOut);
        f.close();
        cOut.close();
        NDArray cSkip = preconditioning.cSkip(sigma);
        NDArray d;
        if (cSkip == null) {
            d = x.add(scaled);
        } else {
            NDArray skipped = x.mul(cSkip);
            cSkip.close();
            d = skipped.add(scaled);
            skipped.close();
        }
        scaled.close();
        return d;
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
        NDArray weight = preconditioning.weight(sigma);
        NDArray noise = manager.randomNormal(0, 1, y.getShape(), DataType.FLOAT32);
        noise.muli(sigma);
        NDArray noisy = y.add(noise);
        noise.close();
        NDArray d = denoise(ps, noisy, sigma, labels, training);
        noisy.close();
        sigma.close();
        NDArray diff = d.sub(y);
        d.close();
        NDArray squared = diff.square();
        diff.close();
        NDArray weighted = squared.mul(weight);
        squared.close();
        weight.close();
        NDArray total = weighted.sum();
        weighted.close();
        NDArray mean = Ops.scale(total, 1.0 / n);
        total.close();
        return mean;
    }
}
