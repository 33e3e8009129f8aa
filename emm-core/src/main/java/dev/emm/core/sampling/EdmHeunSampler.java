package dev.emm.core.sampling;

import dev.emm.core.data.ImageSet;
import dev.emm.core.spec.SamplingSpec;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * EDM's deterministic-plus-churn Heun sampler (Karras et al. 2022, Algorithm 2), with float64
 * state as in the reference. Each sample draws its latent, its class and its churn noise from its
 * own generator seeded by its seed, so a sample depends on its seed alone, never on batching. As
 * the paper's {@code edm_sampler}, the schedule's ends are clamped to the noise levels the network
 * supports: {@code sigma_min = max(sigmaMin, net.sigma_min)}, {@code sigma_max = min(sigmaMax,
 * net.sigma_max)} (a VE network: 0.02 .. 80 rather than 0.002 .. 80).
 */
public final class EdmHeunSampler {

    private final SamplingSpec spec;

    public EdmHeunSampler(SamplingSpec spec) {
        this.spec = spec;
    }

    /**
     * sigma_i = (sigma_max^(1/rho) + i/(N-1) (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, then 0, with
     * sigma_min and sigma_max clamped to the denoiser's supported range.
     */
    public double[] timeSteps(Denoiser denoiser) {
        int n = spec.numSteps();
        double inverseRho = 1.0 / spec.rho();
        double sigmaMin = Math.max(spec.sigmaMin(), denoiser.sigmaMin());
        double sigmaMax = Math.min(spec.sigmaMax(), denoiser.sigmaMax());
        double maxRoot = Math.pow(sigmaMax, inverseRho);
        double minRoot = Math.pow(sigmaMin, inverseRho);
        double[] steps = new double[n + 1];
        for (int i = 0; i < n; i++) {
            steps[i] = Math.pow(maxRoot + (double) i / (n - 1) * (minRoot - maxRoot), spec.rho());
        }
        steps[n] = 0;
        return steps;
    }

    /** Network evaluations per sample: two per step except the last, which is an Euler step. */
    public int evaluationsPerSample() {
        return 2 * spec.numSteps() - 1;
    }

    /**
     * Generates {@code spec.sampleCount()} samples with seeds firstSeed.., in batches of
     * {@code spec.batchSize()}, quantized to uint8 the way the reference saves its PNGs.
     * {@code progress} receives the number of samples finished after each batch.
     */
    public ImageSet sampleAll(Denoiser denoiser, int channels, int resolution, IntConsumer progress) {
        return sampleRange(denoiser, channels, resolution, 0, spec.sampleCount(), progress);
    }

    /**
     * Generates samples {@code from .. to - 1} (seeds firstSeed + from .. firstSeed + to - 1) as
     * {@link #sampleAll} does; since a sample depends on its seed alone, {@code sampleRange(0, n)}
     * followed by {@code sampleRange(n, m)} are exactly the first m samples. {@code progress}
     * receives the number of samples of the range finished after each batch.
     */
    public ImageSet sampleRange(Denoiser denoiser, int channels, int resolution, int from, int to,
            IntConsumer progress) {
        if (from < 0 || from > to) {
            throw new IllegalArgumentException("sample range " + from + ".." + to);
        }
        int count = to - from;
        int dimension = channels * resolution * resolution;
        byte[] pixels = new byte[count * dimension];
        int[] labels = new int[count];
        for (int start = 0; start < count; start += spec.batchSize()) {
            int batch = Math.min(spec.batchSize(), count - start);
            long[] seeds = new long[batch];
            for (int b = 0; b < batch; b++) {
                seeds[b] = spec.firstSeed() + from + start + b;
            }
            Batch result = sample(denoiser, seeds, dimension);
            for (int b = 0; b < batch; b++) {
                quantize(result.images()[b], pixels, (start + b) * dimension);
                labels[start + b] = result.classLabels() == null ? 0 : result.classLabels()[b];
            }
            progress.accept(start + batch);
        }
        int classCount = Math.max(1, denoiser.labelDim());
        return new ImageSet(channels, resolution, resolution, classCount, labels, pixels);
    }

    /** The float64 samples of one batch and the class each was conditioned on (null if unconditional). */
    public record Batch(double[][] images, int[] classLabels) {
    }

    public Batch sample(Denoiser denoiser, long[] seeds, int dimension) {
        int batch = seeds.length;
        double[] timeSteps = timeSteps(denoiser);
        Random[] generators = new Random[batch];
        double[][] x = new double[batch][dimension];
        int[] classLabels = denoiser.labelDim() > 0 ? new int[batch] : null;
        for (int b = 0; b < batch; b++) {
            generators[b] = new Random(seeds[b]);
            for (int j = 0; j < dimension; j++) {
                x[b][j] = generators[b].nextGaussian() * timeSteps[0];
            }
            if (classLabels != null) {
                classLabels[b] = generators[b].nextInt(denoiser.labelDim());
            }
        }
        int n = spec.numSteps();
        double churnCap = Math.sqrt(2) - 1;
        for (int i = 0; i < n; i++) {
            double tCur = timeSteps[i];
            double tNext = timeSteps[i + 1];
            boolean churning = spec.churn() > 0 && tCur >= spec.churnSigmaMin() && tCur <= spec.churnSigmaMaxOrInfinity();
            double gamma = churning ? Math.min(spec.churn() / n, churnCap) : 0;
            double tHat = tCur + gamma * tCur;
            double[][] xHat = x;
            if (gamma > 0) {
                double noise = Math.sqrt(tHat * tHat - tCur * tCur) * spec.noiseScale();
                xHat = new double[batch][dimension];
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < dimension; j++) {
                        xHat[b][j] = x[b][j] + noise * generators[b].nextGaussian();
                    }
                }
            }
            double[][] denoised = denoiser.denoise(xHat, tHat, classLabels);
            double[][] slope = new double[batch][dimension];
            double[][] next = new double[batch][dimension];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < dimension; j++) {
                    slope[b][j] = (xHat[b][j] - denoised[b][j]) / tHat;
                    next[b][j] = xHat[b][j] + (tNext - tHat) * slope[b][j];
                }
            }
            if (i < n - 1) {
                double[][] corrected = denoiser.denoise(next, tNext, classLabels);
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < dimension; j++) {
                        double slopePrime = (next[b][j] - corrected[b][j]) / tNext;
                        next[b][j] = xHat[b][j] + (tNext - tHat) * (0.5 * slope[b][j] + 0.5 * slopePrime);
                    }
                }
            }
            x = next;
        }
        return new Batch(x, classLabels);
    }

    /** clip(x * 127.5 + 128, 0, 255) truncated to uint8, as the reference writes its PNGs. */
    public static void quantize(double[] image, byte[] target, int offset) {
        for (int j = 0; j < image.length; j++) {
            double value = Math.min(255, Math.max(0, image[j] * 127.5 + 128));
            target[offset + j] = (byte) (int) value;
        }
    }
}
