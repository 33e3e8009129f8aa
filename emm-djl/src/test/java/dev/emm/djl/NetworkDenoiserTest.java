package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.core.spec.TrainingSpec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NetworkDenoiserTest {

    private static byte[] trainBriefly(PreconditioningType precond, Double emaHalfLife, int labelDim, ModelKind kind) {
        ImageSet images = Mnist.first(6, 8);
        ModelSpec model = new ModelSpec(kind, 16, List.of(1, 2), 1, List.of(4), 0.1,
                kind == ModelKind.NCSNPP ? EmbeddingType.FOURIER : EmbeddingType.POSITIONAL, null);
        TrainingSpec spec = new TrainingSpec(precond, 1e-3, 0L, 3, null, null, null, null, emaHalfLife, null, 1L,
                DurationUnit.STEPS, 3L, null, null);
        AtomicReference<byte[]> last = new AtomicReference<>();
        try (TrainingRun run = new TrainingRun(model, spec, images, images.labels(), labelDim, null,
                new TrainingRun.Options(Device.cpu(), 1000))) {
            run.run(new TrainingListener() {
                @Override
                public void snapshot(int index, byte[] modelBytes) {
                    last.set(modelBytes);
                }
            });
        }
        return last.get();
    }

    private static double[][] randomRows(int rows, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[rows][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextDouble() * 4 - 2;
            }
        }
        return x;
    }

    @Test
    void snapshotIsSelfDescribingAndRowsAreIndependent() {
        byte[] snapshot = trainBriefly(PreconditioningType.EDM, null, 0, ModelKind.DDPMPP);
        SnapshotHeader header = ModelSnapshot.header(snapshot);
        assertEquals(ModelSnapshot.FORMAT, header.format());
        assertEquals(PreconditioningType.EDM, header.preconditioning());
        assertEquals("raw", header.weights(), "EMA off: the snapshot holds the trained weights");
        assertEquals(1, header.index());
        assertEquals(3, header.step());
        assertEquals(8, header.resolution());
        try (NetworkDenoiser d = new NetworkDenoiser(snapshot, Device.cpu())) {
            assertEquals(64, d.dimension());
            double[][] x = randomRows(5, 64, 3);
            double[][] all = d.denoise(x, 0.7, null);
            for (int r = 0; r < 5; r++) {
                double[][] one = d.denoise(new double[][] {x[r]}, 0.7, null);
                assertArrayEquals(all[r], one[0], 1e-5, "row " + r + " depends on its batch");
            }
            // Deterministic in inference mode (no dropout).
            assertArrayEquals(all[2], d.denoise(x, 0.7, null)[2], 0.0);
        }
    }

    /**
     * libtorch's grad mode is per thread and DJL switches it off only on the thread that loads the
     * engine; a service loads the engine at start (its device check) and samples on a worker thread.
     */
    @Test
    void aDenoiserSamplesOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
        byte[] snapshot = trainBriefly(PreconditioningType.EDM, null, 0, ModelKind.DDPMPP);
        double[][] x = randomRows(3, 64, 5);
        double[][] here;
        try (NetworkDenoiser d = new NetworkDenoiser(snapshot, Device.cpu())) {
            here = d.denoise(x, 0.7, null);
        }
        AtomicReference<Object> elsewhere = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (NetworkDenoiser d = new NetworkDenoiser(snapshot, Device.cpu())) {
                elsewhere.set(d.denoise(x, 0.7, null));
            } catch (RuntimeException e) {
                elsewhere.set(e);
            }
        });
        worker.start();
        worker.join();
        if (elsewhere.get() instanceof RuntimeException e) {
            throw e;
        }
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(here[r], ((double[][]) elsewhere.get())[r], 0.0);
        }
    }

    @Test
    void emaSnapshotsAreMarkedAndConditionalLabelsAreChecked() {
        byte[] snapshot = trainBriefly(PreconditioningType.VP, 1000.0, 10, ModelKind.NCSNPP);
        SnapshotHeader header = ModelSnapshot.header(snapshot);
        assertEquals("ema", header.weights());
        assertEquals(10, header.labelDim());
        try (NetworkDenoiser d = new NetworkDenoiser(snapshot, Device.cpu())) {
            assertEquals(10, d.labelDim());
            double[][] x = randomRows(2, 64, 4);
            double[][] a = d.denoise(x, 2.0, new int[] {3, 7});
            double[][] b = d.denoise(new double[][] {x[1]}, 2.0, new int[] {7});
            assertArrayEquals(a[1], b[0], 1e-5);
            assertThrows(IllegalArgumentException.class, () -> d.denoise(x, 2.0, new int[] {3, 10}));
            d.denoise(x, 2.0, null); // EDM's "no label": the label embedding's bias alone
        }
    }

    @Test
    void denoiserMatchesThePreconditioningAtLargeSigma() {
        // For every preconditioning, D(x; sigma) -> c_skip x + c_out F; at sigma = 80 the EDM skip vanishes and
        // D stays near the data range. A weak but architecture-independent check that the header's
        // preconditioning is the one applied.
        for (PreconditioningType p : PreconditioningType.values()) {
            byte[] snapshot = trainBriefly(p, null, 0, ModelKind.DDPMPP);
            try (NetworkDenoiser d = new NetworkDenoiser(snapshot, Device.cpu())) {
                assertEquals(p, d.header().preconditioning());
                double[][] out = d.denoise(randomRows(2, 64, 5), 80, null);
                for (double[] row : out) {
                    for (double v : row) {
                        assertEquals(0, v, 200, p.toString());
                    }
                }
            }
        }
    }

    /** generate.py's edm_sampler t_steps[i] for 18 steps, rho 7, after clamping to the network's range. */
    private static double edmTimeStep(int i, double netSigmaMin, double netSigmaMax) {
        double sigmaMin = Math.max(0.002, netSigmaMin);
        double sigmaMax = Math.min(80, netSigmaMax);
        double rho = 7;
        return Math.pow(Math.pow(sigmaMax, 1 / rho) + i / (18.0 - 1) * (Math.pow(sigmaMin, 1 / rho)
                - Math.pow(sigmaMax, 1 / rho)), rho);
    }

    @Test
    void aVeNetworkIsSampledFromEdmsClampedFirstToLastSigma() {
        SamplingSpec sampling = new SamplingSpec(1, 0L, 18, 0.002, 80.0, 7.0, 0.0, 0.0, null, 1.0, 1);
        try (NetworkDenoiser ve = new NetworkDenoiser(trainBriefly(PreconditioningType.VE, null, 0, ModelKind.NCSNPP), Device.cpu());
             NetworkDenoiser vp = new NetworkDenoiser(trainBriefly(PreconditioningType.VP, null, 0, ModelKind.DDPMPP), Device.cpu())) {
            // EDM's VEPrecond: sigma_min 0.02, sigma_max 100
            assertEquals(0.02, ve.sigmaMin());
            assertEquals(100.0, ve.sigmaMax());
            double[] veSteps = new EdmHeunSampler(sampling).timeSteps(ve);
            assertEquals(edmTimeStep(0, 0.02, 100), veSteps[0], 1e-12 * 80);
            assertEquals(edmTimeStep(17, 0.02, 100), veSteps[17], 1e-12 * 0.02);
            assertEquals(0.02, veSteps[17], 1e-15);
            // EDM's VPPrecond: float(sigma(1e-5)) and float(sigma(1)) in float32 (exp(1.000001e-6) rounds to
            // 1 + 8 ulp, so sigma_min is 2^-10), both outside 0.002 .. 80
            assertEquals(0.0009765625, vp.sigmaMin(), 1e-9);
            assertEquals(152.16698, vp.sigmaMax(), 1e-4);
            double[] vpSteps = new EdmHeunSampler(sampling).timeSteps(vp);
            assertEquals(80.0, vpSteps[0], 1e-12 * 80);
            assertEquals(0.002, vpSteps[17], 1e-15);
        }
    }

    @Test
    void rejectsCorruptSnapshots() {
        byte[] snapshot = trainBriefly(PreconditioningType.EDM, null, 0, ModelKind.DDPMPP);
        snapshot[snapshot.length / 2] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> new NetworkDenoiser(snapshot, Device.cpu()));
    }
}
