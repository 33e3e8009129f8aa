package dev.emm.djl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.emm.djl.DjlRuntime;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SongUNetSmokeTest {

    @Test
    void forwardShape() {
        DjlRuntime.engine();
        boolean[] skips = new boolean[9];
        java.util.Arrays.fill(skips, true);
        UNetConfig c = new UNetConfig(16, 1, 1, 0, 16, List.of(1, 2, 2), 4, 2, List.of(8), 0.1,
                NoiseEmbedding.Kind.POSITIONAL, 1, false, new int[] {1, 1}, skips);
        SongUNet net = new SongUNet(c);
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            net.initialize(m, DataType.FLOAT32, 1);
            System.out.println("params " + net.trainableParameterCount());
            try (NDManager s = m.newSubManager()) {
                NDArray x = s.randomNormal(new Shape(4, 1, 16, 16));
                NDArray n = s.randomNormal(new Shape(4));
                NDArray y = net.apply(new ParameterStore(s, false), x, n, null, false);
                assertEquals(new Shape(4, 1, 16, 16), y.getShape());
                System.out.println("managed arrays in step: " + s.getManagedArrays().size());
            }
        }
    }
}
