package dev.emm.core.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.ImageSet;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemorizationMetricTest {

    private static ImageSet randomSet(Random random, int count, int dimension, int levels) {
        byte[] pixels = new byte[count * dimension];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextInt(levels) * (255 / Math.max(1, levels - 1)));
        }
        return new ImageSet(1, 1, dimension, 1, new int[count], pixels);
    }

    private static long squaredDistance(ImageSet a, int i, ImageSet b, int j) {
        long sum = 0;
        for (int k = 0; k < a.dimension(); k++) {
            long d = (a.pixels()[i * a.dimension() + k] & 0xFF) - (b.pixels()[j * b.dimension() + k] & 0xFF);
            sum += d * d;
        }
        return sum;
    }

    @Test
    void equalsBruteForceOnRandomDataWithTies() {
        Random random = new Random(42);
        for (int levels : new int[] {2, 3, 256}) {
            ImageSet training = randomSet(random, 700, 12, levels);
            ImageSet samples = randomSet(random, 150, 12, levels);
            NeighbourDistances fast = MemorizationMetric.nearestTwo(samples, training);
            int memorized = 0;
            for (int s = 0; s < samples.size(); s++) {
                long[] all = new long[training.size()];
                for (int t = 0; t < training.size(); t++) {
                    all[t] = squaredDistance(samples, s, training, t);
                }
                long[] sorted = all.clone();
                Arrays.sort(sorted);
                assertEquals(sorted[0], fast.nearestSquared()[s]);
                assertEquals(sorted[1], fast.secondSquared()[s]);
                assertEquals(sorted[0], all[fast.nearestIndex()[s]]);
                if (Math.sqrt(sorted[0]) / Math.sqrt(sorted[1]) < 1.0 / 3) {
                    memorized++;
                }
            }
            assertEquals(memorized, fast.memorizedCount(), "levels " + levels);
        }
    }

    @Test
    void aCopyOfATrainingImageIsMemorizedAndAnExactTieIsNot() {
        byte[] training = {0, 0, 0, 0, (byte) 200, (byte) 200, (byte) 200, (byte) 200, 10, 10, 10, 10};
        ImageSet train = new ImageSet(1, 2, 2, 1, new int[3], training);
        byte[] sample = {(byte) 200, (byte) 200, (byte) 200, (byte) 201, 5, 5, 5, 5};
        NeighbourDistances d = MemorizationMetric.nearestTwo(new ImageSet(1, 2, 2, 1, new int[2], sample), train);
        assertEquals(1, d.nearestSquared()[0]);
        assertEquals(1, d.nearestIndex()[0]);
        assertTrue(d.memorized(0));
        assertEquals(100, d.nearestSquared()[1]);
        assertEquals(100, d.secondSquared()[1]);
        assertFalse(d.memorized(1), "equidistant neighbours give ratio 1");
        assertEquals(0.5, d.summary().ratio());
    }

    @Test
    void thresholdOneThirdIsStrict() {
        ImageSet training = new ImageSet(1, 1, 2, 1, new int[2], new byte[] {0, 0, (byte) 120, 0});
        ImageSet samples = new ImageSet(1, 1, 2, 1, new int[2], new byte[] {30, 0, 29, 0});
        NeighbourDistances d = MemorizationMetric.nearestTwo(samples, training);
        assertEquals(900, d.nearestSquared()[0]);
        assertEquals(8100, d.secondSquared()[0]);
        assertFalse(d.memorized(0), "d1/d2 = 30/90 = 1/3 exactly is not memorized");
        assertEquals(841, d.nearestSquared()[1]);
        assertEquals(8281, d.secondSquared()[1]);
        assertTrue(d.memorized(1), "d1/d2 = 29/91 < 1/3 is memorized");
    }

    @Test
    void wilsonIntervalMatchesTheClosedForm() {
        MemorizationSummary summary = MemorizationSummary.of(45, 50);
        assertEquals(0.9, summary.ratio(), 1e-12);
        assertEquals(0.7864, summary.ciLow(), 1e-4);
        assertEquals(0.9565, summary.ciHigh(), 1e-4);
        MemorizationSummary all = MemorizationSummary.of(500, 500);
        assertEquals(1.0, all.ciHigh(), 1e-12);
        assertEquals(0.99237, all.ciLow(), 1e-4);
    }

    @Test
    void distancesRoundTripThroughTheirStoredForm() {
        NeighbourDistances d = new NeighbourDistances(new long[] {1, 5}, new long[] {9, 500}, new int[] {3, 7});
        byte[] bytes = d.toBytes();
        assertEquals(4 + 2 * 20, bytes.length);
        NeighbourDistances back = NeighbourDistances.fromBytes(bytes);
        assertArrayEquals(d.nearestSquared(), back.nearestSquared());
        assertArrayEquals(d.secondSquared(), back.secondSquared());
        assertArrayEquals(d.nearestIndex(), back.nearestIndex());
        assertThrows(IllegalArgumentException.class, () -> NeighbourDistances.fromBytes(Arrays.copyOf(bytes, 30)));
    }

    @Test
    void samplesMeasuredInStepsHaveTheDistancesOfSamplesMeasuredAtOnce() {
        Random random = new Random(7);
        ImageSet training = randomSet(random, 300, 12, 3);
        ImageSet samples = randomSet(random, 96, 12, 3);
        NeighbourDistances atOnce = MemorizationMetric.nearestTwo(samples, training);
        NeighbourDistances inSteps = NeighbourDistances.NONE
                .followedBy(MemorizationMetric.nearestTwo(samples.range(0, 24), training))
                .followedBy(MemorizationMetric.nearestTwo(samples.range(24, 96), training));
        assertArrayEquals(atOnce.toBytes(), inSteps.toBytes());
        assertEquals(atOnce.first(24).summary(), MemorizationMetric.nearestTwo(samples.range(0, 24), training).summary());
        assertEquals(0, atOnce.first(0).size());
        assertThrows(IllegalArgumentException.class, () -> atOnce.first(97));
        assertThrows(IllegalArgumentException.class, () -> samples.range(90, 97));
    }
}
