package dev.emm.core.sampling;

import dev.emm.core.json.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.optimum.OptimalDenoiser;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.LabelMode;
import dev.emm.core.spec.SamplingSpec;
import org.junit.jupiter.api.Test;

class EdmHeunSamplerTest {

    private static SamplingSpec sampling(int count, int batch, double churn) {
        return new SamplingSpec(count, 0L, 18, 0.002, 80.0, 7.0, churn, 0.05, 50.0, 1.003, batch);
    }

    private static TrainingSubset subset(int size, LabelMode mode) {
        DataSpec data = Json.readStrict("""
                {"dataset": "mnist", "resolution": 8, "classes": 10, "labelMode": "%s", "labelClasses": 10,
                 "labelSeed": 0, "resampling": "area"}""".formatted(mode.wireName()), DataSpec.class);
        return TrainingSubset.materialize(TestData.mnist(), data, size);
    }

    /** A denoiser that only declares a supported noise range. */
    private static Denoiser supporting(double sigmaMin, double sigmaMax) {
        return new Denoiser() {
            @Override
            public double[][] denoise(double[][] noisy, double sigma, int[] classLabels) {
                return noisy;
            }

            @Override
            public double sigmaMin() {
                return sigmaMin;
            }

            @Override
            public double sigmaMax() {
                return sigmaMax;
            }
        };
    }

    /** EDM's t_steps for num_steps 18, rho 7, float64, written as generate.py's edm_sampler computes them. */
    private static double edmStep(int i, double sigmaMin, double sigmaMax) {
        double rho = 7;
        return Math.pow(Math.pow(sigmaMax, 1 / rho) + i / (18.0 - 1) * (Math.pow(sigmaMin, 1 / rho)
                - Math.pow(sigmaMax, 1 / rho)), rho);
    }

    @Test
    void theScheduleIsClampedToTheNoiseLevelsTheNetworkSupports() {
        EdmHeunSampler sampler = new EdmHeunSampler(sampling(1, 1, 0));
        // EDM's VEPrecond supports 0.02 .. 100: sigma_min = max(0.002, 0.02), sigma_max = min(80, 100)
        double[] ve = sampler.timeSteps(supporting(0.02, 100));
        assertEquals(edmStep(0, 0.02, 80), ve[0], 1e-12 * 80);
        assertEquals(edmStep(17, 0.02, 80), ve[17], 1e-12 * 0.02);
        assertEquals(0.02, ve[17], 1e-15);
        assertEquals(0.0, ve[18]);
        // a network supporting less than 80 starts lower
        assertEquals(50.0, sampler.timeSteps(supporting(0, 50))[0], 1e-12 * 50);
        // VPPrecond's range (0.001 .. 152) and EDMPrecond's (0 .. inf) leave 0.002 .. 80 as it is
        assertArrayEquals(sampler.timeSteps(supporting(0, Double.POSITIVE_INFINITY)),
                sampler.timeSteps(supporting(0.0010000003, 152.28)));
    }

    @Test
    void scheduleFollowsEdm() {
        double[] steps = new EdmHeunSampler(sampling(1, 1, 0)).timeSteps(supporting(0, Double.POSITIVE_INFINITY));
        assertEquals(19, steps.length);
        assertEquals(80.0, steps[0], 1e-12);
        assertEquals(0.002, steps[17], 1e-15);
        assertEquals(0.0, steps[18]);
        for (int i = 1; i < 18; i++) {
            assertTrue(steps[i] < steps[i - 1]);
        }
        assertEquals(57.5855, steps[1], 1e-3);
        assertEquals(35, new EdmHeunSampler(sampling(1, 1, 0)).evaluationsPerSample());
    }

    @Test
    void aSampleDependsOnItsSeedAloneNotOnTheBatch() {
        Denoiser denoiser = new OptimalDenoiser(subset(50, LabelMode.TRUE).images(), 10);
        for (double churn : new double[] {0, 40}) {
            ImageSet reference = null;
            for (int batch : new int[] {1, 7, 64}) {
                ImageSet samples = new EdmHeunSampler(sampling(64, batch, churn)).sampleAll(denoiser, 1, 8, done -> { });
                if (reference == null) {
                    reference = samples;
                } else {
                    assertArrayEquals(reference.pixels(), samples.pixels(), "batch " + batch + " churn " + churn);
                    assertArrayEquals(reference.labels(), samples.labels());
                }
            }
        }
    }

    @Test
    void rangesDrawnOneAfterAnotherAreTheSamplesDrawnAtOnce() {
        Denoiser denoiser = new OptimalDenoiser(subset(50, LabelMode.TRUE).images(), 10);
        EdmHeunSampler sampler = new EdmHeunSampler(sampling(48, 7, 40));
        ImageSet atOnce = sampler.sampleAll(denoiser, 1, 8, done -> { });
        ImageSet first = sampler.sampleRange(denoiser, 1, 8, 0, 12, done -> { });
        ImageSet more = sampler.sampleRange(denoiser, 1, 8, 12, 48, done -> { });
        assertEquals(12, first.size());
        assertEquals(36, more.size());
        ImageSet joined = first.followedBy(more);
        assertArrayEquals(atOnce.pixels(), joined.pixels());
        assertArrayEquals(atOnce.labels(), joined.labels());
        assertArrayEquals(atOnce.range(12, 48).pixels(), more.pixels());
    }

    @Test
    void theOptimalDenoiserReproducesTrainingImages() {
        TrainingSubset train = subset(40, LabelMode.NONE);
        Denoiser denoiser = new OptimalDenoiser(train.images(), 0);
        ImageSet samples = new EdmHeunSampler(sampling(200, 50, 0)).sampleAll(denoiser, 1, 8, done -> { });
        MemorizationSummary summary = MemorizationMetric.nearestTwo(samples, train.images()).summary();
        assertTrue(summary.ratio() >= 0.95, "optimum memorization ratio " + summary.ratio());
    }
}
