package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.emm.djl.DjlRuntime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SongUNetSmokeTest {

    @Test
    void forwardShapeAndClosesEveryActivation() {
        DjlRuntime.engine();
        for (boolean ncsn : new boolean[] {false, true}) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                boolean[] skips = new boolean[6];
                Arrays.fill(skips, true);
                skips[2] = false;
                UNetConfig c = new UNetConfig(8, 1, 1, 3, 8, List.of(1, 2), 2, 2, List.of(4), 0,
                        ncsn ? NoiseEmbedding.Kind.FOURIER : NoiseEmbedding.Kind.POSITIONAL, ncsn ? 2 : 1, ncsn,
                        ncsn ? new int[] {1, 3, 3, 1} : new int[] {1, 1}, skips);
                SongUNet net = new SongUNet(c);
                try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                    net.initialize(m, type, 1);
                    for (int rep = 0; rep < 3; rep++) {
                        long t0 = System.nanoTime();
                        try (NDManager s = m.newSubManager()) {
                            NDArray x = s.randomNormal(new Shape(2, 1, 8, 8)).toType(type, false);
                            NDArray n = s.randomNormal(new Shape(2)).toType(type, false);
                            NDArray y = net.apply(new ParameterStore(s, false), x, n, s.create(new long[] {2, 0}), false);
                            assertEquals(new Shape(2, 1, 8, 8), y.getShape());
                            // of the [N, C, H, W] arrays only the input (and its pre-cast draw) and the output remain; the
                            // small embedding arrays [N, emb] are left to the manager
                            long activations = s.getManagedArrays().stream()
                                    .filter(a -> a.getShape().dimension() == 4).count();
                            assertTrue(activations <= 3, "activations left: " + activations);
                        }
                        System.out.printf("ncsn=%s %s forward %.2f ms%n", ncsn, type, (System.nanoTime() - t0) / 1e6);
                    }
                }
            }
        }
    }
}
