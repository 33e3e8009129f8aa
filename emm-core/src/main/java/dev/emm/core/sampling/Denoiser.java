package dev.emm.core.sampling;

/**
 * A denoiser D(x; sigma): given noisy images at noise level sigma, estimate the clean images.
 * Images are flattened C*H*W in the data scale [-1, 1] (pixel / 127.5 - 1). Implementations must
 * treat each row independently, so a sample depends only on its own seed, not on its batch.
 */
public interface Denoiser {

    /**
     * @param noisy       batch of noisy images, one row each
     * @param sigma       the noise level shared by the batch
     * @param classLabels one class per row, or null for an unconditional model
     * @return the denoised estimate, same shape as {@code noisy}
     */
    double[][] denoise(double[][] noisy, double sigma, int[] classLabels);

    /** The number of classes a conditional model takes, or 0 for an unconditional one. */
    default int labelDim() {
        return 0;
    }

    /** The lowest noise level the model supports (EDM's {@code net.sigma_min}); the sampler stays above it. */
    default double sigmaMin() {
        return 0;
    }

    /** The highest noise level the model supports (EDM's {@code net.sigma_max}); the sampler starts below it. */
    default double sigmaMax() {
        return Double.POSITIVE_INFINITY;
    }
}
