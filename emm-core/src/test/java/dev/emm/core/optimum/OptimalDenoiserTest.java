package dev.emm.core.optimum;

import dev.emm.core.json.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.TestData;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.spec.DataSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OptimalDenoiserTest {

    private final ImageSet training = TrainingSubset.materialize(TestData.mnist(),
            Json.readStrict("""
                    {"dataset": "mnist", "resolution": 16, "classes": 10, "labelMode": "true", "labelClasses": 10,
                     "labelSeed": 0, "resampling": "area"}""", DataSpec.class), 30).images();

    @Test
    void returnsTheNearestTrainingImageAtSmallSigma() {
        OptimalDenoiser denoiser = new OptimalDenoiser(training, 0);
        Random random = new Random(3);
        for (int target = 0; target < training.size(); target++) {
            double[] noisy = training.imageAsDataScale(target);
            for (int j = 0; j < noisy.length; j++) {
                noisy[j] += 0.05 * random.nextGaussian();
            }
            double[] denoised = denoiser.denoise(new double[][] {noisy}, 0.01, null)[0];
            assertArrayEquals(training.imageAsDataScale(target), denoised, 1e-9, "image " + target);
        }
    }

    @Test
    void returnsTheTrainingMeanAtLargeSigma() {
        OptimalDenoiser denoiser = new OptimalDenoiser(training, 0);
        double[] mean = new double[training.dimension()];
        for (int i = 0; i < training.size(); i++) {
            double[] row = training.imageAsDataScale(i);
            for (int j = 0; j < mean.length; j++) {
                mean[j] += row[j] / training.size();
            }
        }
        double[] denoised = denoiser.denoise(new double[][] {new double[training.dimension()]}, 1e6, null)[0];
        assertArrayEquals(mean, denoised, 1e-9);
    }

    @Test
    void aConditionalOptimumStaysInsideTheRequestedClass() {
        OptimalDenoiser denoiser = new OptimalDenoiser(training, 10);
        double[] denoised = denoiser.denoise(new double[][] {new double[training.dimension()]}, 1e6, new int[] {4})[0];
        double[] classMean = new double[training.dimension()];
        int members = 0;
        for (int i = 0; i < training.size(); i++) {
            if (training.label(i) == 4) {
                members++;
                double[] row = training.imageAsDataScale(i);
                for (int j = 0; j < row.length; j++) {
                    classMean[j] += row[j];
                }
            }
        }
        assertEquals(3, members);
        for (int j = 0; j < classMean.length; j++) {
            classMean[j] /= members;
        }
        assertArrayEquals(classMean, denoised, 1e-9);
    }
}
