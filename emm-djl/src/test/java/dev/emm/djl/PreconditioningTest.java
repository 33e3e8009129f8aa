package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

class PreconditioningTest {

    private static final double[] SIGMAS = {0.002, 0.05, 0.5, 1, 3.7, 80};

    @Test
    void arrayFormsMatchTheFormulas() {
        DjlRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] s = new float[SIGMAS.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) SIGMAS[i];
            }
            NDArray sigma = m.create(s, new Shape(s.length, 1, 1, 1));
            for (Preconditioning p : Preconditioning.values()) {
                float[] cOut = p.cOut(sigma).toFloatArray();
                float[] cNoise = p.cNoise(sigma).toFloatArray();
                float[] weight = p.weight(sigma).toFloatArray();
                float[] cIn = p.cIn(sigma).toFloatArray();
                float[] cSkip = p.cSkip(sigma).toFloatArray();
                for (int i = 0; i < s.length; i++) {
                    double sg = s[i];
                    double expectedOut = PreconditioningFormulas.cOut(p, sg);
                    assertEquals(expectedOut, cOut[i], 1e-5 * Math.max(1, Math.abs(expectedOut)), p + " c_out");
                    double expectedNoise = PreconditioningFormulas.cNoise(p, sg);
                    if (p == Preconditioning.VP) {
                        // EDM evaluates log(1 + sigma^2) in float32, which rounds 1 + sigma^2 at small sigma; so do we.
                        float onePlus = 1f + s[i] * s[i];
                        expectedNoise = 999 * (Math.sqrt(0.01 + 2 * 19.9 * Math.log(onePlus)) - 0.1) / 19.9;
                    }
                    assertEquals(expectedNoise, cNoise[i], 1e-4 * Math.max(1, Math.abs(expectedNoise)), p + " c_noise");
                    double expectedWeight = PreconditioningFormulas.weight(p, sg);
                    assertEquals(expectedWeight, weight[i], 1e-5 * expectedWeight, p + " weight");
                    assertEquals(PreconditioningFormulas.cIn(p, sg), cIn[i], 1e-6, p + " c_in");
                    assertEquals(PreconditioningFormulas.cSkip(p, sg), cSkip[i], 1e-6, p + " c_skip");
                }
            }
        }
    }

    @Test
    void sigmaOfDrawMatchesTheFormula() {
        DjlRuntime.engine();
        float[] draws = {-2.5f, -1f, 0f, 0.25f, 0.5f, 0.9f, 1f, 2f};
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (Preconditioning p : Preconditioning.values()) {
                float[] sigma = p.sigmaOfDraw(m.create(draws, new Shape(draws.length, 1, 1, 1))).toFloatArray();
                for (int i = 0; i < draws.length; i++) {
                    // uniform draws lie in [0, 1); at VP's t near eps_t float32 rounds exp(x) - 1 coarsely, as EDM's does
                    if (p == Preconditioning.EDM || (draws[i] >= 0 && draws[i] <= (p == Preconditioning.VP ? 0.9 : 1))) {
                        double expected = PreconditioningFormulas.sigmaOfDraw(p, draws[i]);
                        assertEquals(expected, sigma[i], 2e-5 * expected, p + " sigma at draw " + draws[i]);
                    }
                }
            }
        }
    }

    @Test
    void edmFormulas() {
        Preconditioning p = Preconditioning.EDM;
        // The oracle itself, against EDM's closed forms. At sigma = sigma_data: c_skip = 1/2, c_out = sigma_data / sqrt(2), c_in = 1 / (sigma_data sqrt(2)).
        assertEquals(0.5, PreconditioningFormulas.cSkip(p, 0.5), 1e-15);
        assertEquals(0.5 / Math.sqrt(2), PreconditioningFormulas.cOut(p, 0.5), 1e-15);
        assertEquals(1 / (0.5 * Math.sqrt(2)), PreconditioningFormulas.cIn(p, 0.5), 1e-15);
        assertEquals(Math.log(0.5) / 4, PreconditioningFormulas.cNoise(p, 0.5), 1e-15);
        assertEquals((0.25 + 0.25) / (0.25 * 0.25), PreconditioningFormulas.weight(p, 0.5), 1e-12);
        // lambda(sigma) c_out(sigma)^2 = 1: EDM's effective weight is uniform.
        for (double s : SIGMAS) {
            assertEquals(1.0, PreconditioningFormulas.weight(p, s) * PreconditioningFormulas.cOut(p, s) * PreconditioningFormulas.cOut(p, s), 1e-12);
        }
    }

    @Test
    void vpScheduleInvertsAndCoversEdmRange() {
        for (double t : new double[] {1e-5, 0.01, 0.3, 1}) {
            double sigma = PreconditioningFormulas.vpSigma(t);
            assertEquals(t, PreconditioningFormulas.vpSigmaInverse(sigma), 1e-9);
        }
        // sigma(1) is about 152, sigma(eps_t) about 1e-3: the VP loss trains on that range.
        assertEquals(152.0, PreconditioningFormulas.sigmaOfDraw(Preconditioning.VP, 0), 1.0);
        assertEquals(0.001, PreconditioningFormulas.sigmaOfDraw(Preconditioning.VP, 1), 0.00001);
        assertEquals(999 * PreconditioningFormulas.vpSigmaInverse(2.0),
                PreconditioningFormulas.cNoise(Preconditioning.VP, 2.0), 1e-12);
        assertEquals(0.02, PreconditioningFormulas.sigmaOfDraw(Preconditioning.VE, 0), 1e-12);
        assertEquals(100, PreconditioningFormulas.sigmaOfDraw(Preconditioning.VE, 1), 1e-9);
    }

    @Test
    void sampledSigmasFollowTheirDistributions() {
        DjlRuntime.engine();
        JniUtils.setSeed(7);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            int n = 20000;
            float[] edm = Preconditioning.EDM.sampleSigma(m, n, DataType.FLOAT32).toFloatArray();
            double meanLog = 0;
            for (float v : edm) {
                meanLog += Math.log(v);
            }
            meanLog /= n;
            assertEquals(-1.2, meanLog, 0.05);
            float[] ve = Preconditioning.VE.sampleSigma(m, n, DataType.FLOAT32).toFloatArray();
            float[] vp = Preconditioning.VP.sampleSigma(m, n, DataType.FLOAT32).toFloatArray();
            for (int i = 0; i < n; i++) {
                assertTrue(ve[i] >= 0.02f - 1e-6 && ve[i] <= 100.0001f);
                assertTrue(vp[i] >= 0.00099f && vp[i] <= 153f, "vp sigma " + vp[i]);
            }
            // VE: log sigma uniform on [log 0.02, log 100]: its mean is the midpoint.
            double meanLogVe = 0;
            for (float v : ve) {
                meanLogVe += Math.log(v);
            }
            assertEquals((Math.log(0.02) + Math.log(100)) / 2, meanLogVe / n, 0.05);
        }
    }
}
