package dev.emm.core.optimum;

import dev.emm.core.data.ImageSet;
import dev.emm.core.sampling.Denoiser;
import java.util.stream.IntStream;

/**
 * The denoiser that minimizes the training objective over a finite training set, in closed form:
 * D*(x; sigma) = sum_i softmax_i(-|x - y_i|^2 / (2 sigma^2)) y_i. Sampling with it reproduces
 * training images, which makes it the pipeline's baseline and self-check. A conditional model
 * takes the softmax over the images of the requested class only.
 */
public final class OptimalDenoiser implements Denoiser {

    private final double[][] training;
    private final int[] labels;
    private final int labelDim;

    /** @param labelDim 0 for an unconditional denoiser, else the number of classes of {@code set}'s labels */
    public OptimalDenoiser(ImageSet set, int labelDim) {
        this.training = new double[set.size()][];
        for (int i = 0; i < set.size(); i++) {
            training[i] = set.imageAsDataScale(i);
        }
        this.labels = set.labels();
        this.labelDim = labelDim;
    }

    @Override
    public int labelDim() {
        return labelDim;
    }

    @Override
    public double[][] denoise(double[][] noisy, double sigma, int[] classLabels) {
        double[][] out = new double[noisy.length][];
        IntStream.range(0, noisy.length).parallel().forEach(row ->
                out[row] = denoiseOne(noisy[row], sigma, classLabels == null || labelDim == 0 ? -1 : classLabels[row]));
        return out;
    }

    private double[] denoiseOne(double[] x, double sigma, int classLabel) {
        int n = training.length;
        double[] logits = new double[n];
        double best = Double.NEGATIVE_INFINITY;
        double scale = -1.0 / (2.0 * sigma * sigma);
        for (int i = 0; i < n; i++) {
            if (classLabel >= 0 && labels[i] != classLabel) {
                logits[i] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double[] y = training[i];
            double squared = 0;
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - y[j];
                squared += d * d;
            }
            logits[i] = squared * scale;
            best = Math.max(best, logits[i]);
        }
        if (best == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("no training image has class " + classLabel);
        }
        double[] mean = new double[x.length];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double weight = Math.exp(logits[i] - best);
            if (weight == 0) {
                continue;
            }
            total += weight;
            double[] y = training[i];
            for (int j = 0; j < mean.length; j++) {
                mean[j] += weight * y[j];
            }
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= total;
        }
        return mean;
    }
}
