package dev.emm.core.spec;

/**
 * How each snapshot is evaluated: {@code sampleCount} samples with seeds {@code firstSeed ..
 * firstSeed + sampleCount - 1}, EDM's Heun sampler with the given schedule and churn parameters.
 * A null {@code churnSigmaMax} means churn has no upper sigma bound (EDM's S_max = inf).
 *
 * <p>{@code sequentialFirstCount} n (null, the default: off) turns on sequential sampling
 * ({@code dev.emm.core.metric.SequentialSampling}): a snapshot draws seeds firstSeed .. firstSeed + n - 1
 * first, and more (doubling) only while the 95% Wilson interval of its ratio reaches 1 - eps, up to
 * {@code sampleCount}. Off, every snapshot draws {@code sampleCount} samples.
 */
public record SamplingSpec(
        Integer sampleCount,
        Long firstSeed,
        Integer numSteps,
        Double sigmaMin,
        Double sigmaMax,
        Double rho,
        Double churn,
        Double churnSigmaMin,
        Double churnSigmaMax,
        Double noiseScale,
        Integer batchSize,
        Integer sequentialFirstCount) {

    /** Sampling that draws every snapshot's {@code sampleCount} samples at once (sequential sampling off). */
    public SamplingSpec(Integer sampleCount, Long firstSeed, Integer numSteps, Double sigmaMin, Double sigmaMax,
            Double rho, Double churn, Double churnSigmaMin, Double churnSigmaMax, Double noiseScale,
            Integer batchSize) {
        this(sampleCount, firstSeed, numSteps, sigmaMin, sigmaMax, rho, churn, churnSigmaMin, churnSigmaMax,
                noiseScale, batchSize, null);
    }

    public double churnSigmaMaxOrInfinity() {
        return churnSigmaMax == null ? Double.POSITIVE_INFINITY : churnSigmaMax;
    }

    /** A spec that sets nothing: every field takes its default. */
    static SamplingSpec unset() {
        return new SamplingSpec(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    SamplingSpec withDefaults() {
        return new SamplingSpec(
                sampleCount == null ? 10_000 : sampleCount,
                firstSeed == null ? 0L : firstSeed,
                numSteps == null ? 18 : numSteps,
                sigmaMin == null ? 0.002 : sigmaMin,
                sigmaMax == null ? 80.0 : sigmaMax,
                rho == null ? 7.0 : rho,
                churn == null ? 0.0 : churn,
                churnSigmaMin == null ? 0.0 : churnSigmaMin,
                churnSigmaMax,
                noiseScale == null ? 1.0 : noiseScale,
                batchSize == null ? 64 : batchSize,
                sequentialFirstCount);
    }
}
