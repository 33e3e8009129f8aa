package dev.emm.metric.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.MemorizationMetric;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.metric.fast.FastNearestNeighbours.Kernel;
import dev.emm.metric.fast.FastNearestNeighbours.Options;
import dev.emm.metric.fast.FastNearestNeighbours.Result;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Correctness, not speed: the fast metric equals the core's exact metric value for value and index for index. */
class FastNearestNeighboursTest {

    private static ImageSet randomSet(Random random, int count, int dimension, int levels) {
        byte[] pixels = new byte[count * dimension];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (levels >= 256 ? random.nextInt(256) : random.nextInt(levels) * (255 / (levels - 1)));
        }
        return new ImageSet(1, 1, dimension, 1, new int[count], pixels);
    }

    /** Training rows copied from a few prototypes (duplicates), samples near the prototypes or far away. */
    private static ImageSet[] duplicatesAndNearCopies(Random random, int dimension) {
        int prototypes = 5;
        int count = 300;
        byte[] base = new byte[prototypes * dimension];
        random.nextBytes(base);
        byte[] training = new byte[count * dimension];
        for (int i = 0; i < count; i++) {
            System.arraycopy(base, (i % prototypes) * dimension, training, i * dimension, dimension);
        }
        int samples = 70;
        byte[] sample = new byte[samples * dimension];
        for (int s = 0; s < samples; s++) {
            int p = s % prototypes;
            for (int j = 0; j < dimension; j++) {
                int v = base[p * dimension + j] & 0xFF;
                int noise = s % 3 == 0 ? 0 : random.nextInt(2 * (s % 7) + 1) - (s % 7);
                sample[s * dimension + j] = (byte) Math.max(0, Math.min(255, v + noise));
            }
        }
        return new ImageSet[] {
            new ImageSet(1, 1, dimension, 1, new int[samples], sample),
            new ImageSet(1, 1, dimension, 1, new int[count], training)};
    }

    private static void assertSame(NeighbourDistances expected, NeighbourDistances actual, String what) {
        assertArrayEquals(expected.nearestSquared(), actual.nearestSquared(), what + ": nearest");
        assertArrayEquals(expected.secondSquared(), actual.secondSquared(), what + ": second");
        assertArrayEquals(expected.nearestIndex(), actual.nearestIndex(), what + ": index");
        assertEquals(expected.memorizedCount(), actual.memorizedCount(), what + ": memorized");
    }

    private static Options small(Kernel kernel) {
        // small blocks so that every run crosses several sample and training blocks, with ragged ends
        return new Options(kernel, 37, 53, 4, null);
    }

    @Test
    void int8KernelIsAvailableOnTheCpuEngine() {
        assertTrue(IntMatMul.available(Device.cpu()), "aten::_int_mm through TorchScript");
    }

    @Test
    void equalsTheCoreMetricOnRandomDataWithTies() {
        Random random = new Random(7);
        for (Kernel kernel : Kernel.values()) {
            for (int levels : new int[] {2, 3, 256}) {
                ImageSet training = randomSet(random, 700, 12, levels);
                ImageSet samples = randomSet(random, 150, 12, levels);
                NeighbourDistances exact = MemorizationMetric.nearestTwo(samples, training);
                Result fast = FastNearestNeighbours.compute(samples, training, small(kernel));
                assertEquals(kernel, fast.kernel());
                assertSame(exact, fast.distances(), kernel + " levels " + levels);
            }
        }
    }

    @Test
    void equalsTheCoreMetricWithDuplicatesAndExactCopies() {
        Random random = new Random(11);
        for (Kernel kernel : Kernel.values()) {
            for (int dimension : new int[] {3, 64, 3 * 16 * 16}) {
                ImageSet[] sets = duplicatesAndNearCopies(random, dimension);
                NeighbourDistances exact = MemorizationMetric.nearestTwo(sets[0], sets[1]);
                Result fast = FastNearestNeighbours.compute(sets[0], sets[1], small(kernel));
                assertSame(exact, fast.distances(), kernel + " d " + dimension);
                if (kernel == Kernel.FLOAT32) {
                    // 60 copies of each prototype tie far beyond 4 candidates: those samples are rescanned
                    assertTrue(fast.fallbacks() > 0, "ties beyond the candidates must fall back");
                }
            }
        }
    }

    @Test
    void equalsTheCoreMetricAtImageSizeWithDefaultBlocks() {
        Random random = new Random(3);
        ImageSet training = randomSet(random, 2500, 3 * 32 * 32, 256);
        byte[] pixels = randomSet(random, 300, 3 * 32 * 32, 256).pixels();
        // a third of the samples are training images with a few pixels changed: memorized ones
        int d = 3 * 32 * 32;
        for (int s = 0; s < 300; s += 3) {
            System.arraycopy(training.pixels(), (s * 7) * d, pixels, s * d, d);
            pixels[s * d + s] ^= 0x10;
        }
        ImageSet samples = new ImageSet(3, 32, 32, 1, new int[300], pixels);
        NeighbourDistances exact = MemorizationMetric.nearestTwo(samples, training);
        for (Kernel kernel : Kernel.values()) {
            Result fast = FastNearestNeighbours.compute(samples, training, Options.defaults().withKernel(kernel));
            assertSame(exact, fast.distances(), kernel.toString());
            assertEquals(0, fast.fallbacks(), "random images are far apart: no fallbacks expected");
        }
        assertEquals(100, exact.memorizedCount());
    }

    @Test
    void extremesOfThePixelRangeAndTheOneThirdThreshold() {
        // all-0 and all-255 images (the largest centred magnitudes), and the strict 1/3 boundary
        ImageSet training = new ImageSet(1, 1, 2, 1, new int[4],
                new byte[] {0, 0, (byte) 120, 0, (byte) 255, (byte) 255, 0, (byte) 255});
        ImageSet samples = new ImageSet(1, 1, 2, 1, new int[4],
                new byte[] {30, 0, 29, 0, (byte) 255, (byte) 255, 0, 0});
        NeighbourDistances exact = MemorizationMetric.nearestTwo(samples, training);
        for (Kernel kernel : Kernel.values()) {
            NeighbourDistances fast = FastNearestNeighbours.compute(samples, training,
                    Options.defaults().withKernel(kernel)).distances();
            assertSame(exact, fast, kernel.toString());
            assertEquals(900, fast.nearestSquared()[0]);
            assertEquals(8100, fast.secondSquared()[0]);
        }
    }

    @Test
    void rejectsWhatTheCoreMetricRejects() {
        ImageSet one = new ImageSet(1, 1, 2, 1, new int[1], new byte[2]);
        ImageSet two = new ImageSet(1, 1, 2, 1, new int[2], new byte[4]);
        ImageSet wide = new ImageSet(1, 1, 3, 1, new int[2], new byte[6]);
        assertThrows(IllegalArgumentException.class, () -> FastNearestNeighbours.nearestTwo(two, one));
        assertThrows(IllegalArgumentException.class, () -> FastNearestNeighbours.nearestTwo(two, wide));
        assertEquals(0, FastNearestNeighbours.nearestTwo(new ImageSet(1, 1, 2, 1, new int[0], new byte[0]), two)
                .size());
    }
}
