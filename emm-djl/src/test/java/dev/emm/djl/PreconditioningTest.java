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
    void arrayFormsMatchScalarForms() {
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
                NDArray cIn = p.cIn(sigma);
                NDArray cSkip = p.cSkip(sigma);
                for (int i = 0; i < s.length; i++) {
                    double sg = s[i];
                    assertEquals(p.cOut(sg), cOut[i], 1e-5 * Math.max(1, Math.abs(p.cOut(sg))), p + " c_out");
                    double expectedNoise = p.cNoise(sg);
                    if (p == Preconditioning.VP) {
                        // EDM evaluates log(1 + sigma^2) in float32, which rounds 1 + sigma^2 at small sigma; so do we.
                        float onePlus = 1f + s[i] * s[i];
                        expectedNoise = 999 * (Math.sqrt(0.01 + 2 * 19.9 * Math.log(onePlus)) - 0.1) / 19.9;
                    }
                    assertEquals(expectedNoise, cNoise[i], 1e-4 * Math.max(1, Math.abs(expectedNoise)), p + " c_noise");
                    assertEquals(p.weight(sg), weight[i], 1e-5 * p.weight(sg), p + " weight");
                    assertEquals(p.cIn(sg), cIn == null ? 1.0 : cIn.toFloatArray()[i], 1e-6, p + " c_in");
                    assertEquals(p.cSkip(sg), cSkip == null ? 1.0 : cSkip.toFloatArray()[i], 1e-6, p + " c_skip");
                }
            }
        }
    }

    @Test
    void edmFormulas() {
        Preconditioning p = Preconditioning.EDM;
        // At sigma = sigma_data: c_skip = 1/2, c_out = sigma_data / sqrt(2), c_in = 1 / (sigma_data sqrt(2)).
        assertEquals(0.5, p.cSkip(0.5), 1e-15);
        assertEquals(0.5 / Math.sqrt(2), p.cOut(0.5), 1e-15);
        assertEquals(1 / (0.5 * Math.sqrt(2)), p.cIn(0.5), 1e-15);
        assertEquals(Math.log(0.5) / 4, p.cNoise(0.5), 1e-15);
        assertEquals((0.25 + 0.25) / (0.25 * 0.25), p.weight(0.5), 1e-12);
        // lambda(sigma) c_out(sigma)^2 = 1: EDM's effective weight is uniform.
        for (double s : SIGMAS) {
            assertEquals(1.0, p.weight(s) * p.cOut(s) * p.cOut(s), 1e-12);
        }
    }

    @Test
    void vpScheduleInvertsAndCoversEdmRange() {
        for (double t : new double[] {1e-5, 0.01, 0.3, 1}) {
            double sigma = Preconditioning.vpSigma(t);
            assertEquals(t, Preconditioning.vpSigmaInverse(sigma), 1e-9);
        }
        // sigma(1) is about 152, sigma(eps_t) about 1e-3: the VP loss trains on that range.
        assertEquals(152.0, Preconditioning.VP.sigmaFromDraw(0), 1.0);
        assertEquals(0.001, Preconditioning.VP.sigmaFromDraw(1), 0.00001);
        assertEquals(999 * Preconditioning.vpSigmaInverse(2.0), Preconditioning.VP.cNoise(2.0), 1e-12);
        assertEquals(0.02, Preconditioning.VE.sigmaFromDraw(0), 1e-12);
        assertEquals(100, Preconditioning.VE.sigmaFromDraw(1), 1e-9);
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
