package dev.emm.core.data;

import dev.emm.core.json.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.LabelMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrainingSubsetTest {

    private static DataSpec data(int resolution, int classes, LabelMode mode, long seed) {
        return Json.readStrict("""
                {"dataset": "mnist", "resolution": %d, "classes": %d, "labelMode": "%s", "labelClasses": 7,
                 "labelSeed": %d, "resampling": "area"}""".formatted(resolution, classes, mode.wireName(), seed),
                DataSpec.class);
    }

    @Test
    void bundledMnistHasTheExpectedShapeAndClassCounts() {
        ImageSet mnist = TestData.mnist();
        assertEquals(10_000, mnist.size());
        assertEquals(28, mnist.height());
        assertArrayEquals(new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, mnist.countPerClass());
    }

    @Test
    void aSpecStoredBeforeResamplingExistedIsBlockAveragedAsWhenSubmitted() {
        DataSpec stored = Json.readStrict("""
                {"dataset": "mnist", "resolution": 16, "classes": 10, "labelMode": "none", "labelClasses": 7,
                 "labelSeed": 0}""", DataSpec.class);
        byte[] old = TrainingSubset.materialize(TestData.mnist(), stored, 30).images().pixels();
        assertArrayEquals(TrainingSubset.materialize(TestData.mnist(), data(16, 10, LabelMode.NONE, 0), 30).images()
                .pixels(), old);
        DataSpec lanczos = Json.readStrict("""
                {"dataset": "mnist", "resolution": 16, "classes": 10, "labelMode": "none", "labelClasses": 7,
                 "labelSeed": 0, "resampling": "lanczos"}""", DataSpec.class);
        assertFalse(Arrays.equals(old, TrainingSubset.materialize(TestData.mnist(), lanczos, 30).images().pixels()));
    }

    @Test
    void subsetsAreNestedAndClassBalanced() {
        ImageSet small = TrainingSubset.materialize(TestData.mnist(), data(32, 10, LabelMode.TRUE, 0), 37).images();
        ImageSet large = TrainingSubset.materialize(TestData.mnist(), data(32, 10, LabelMode.TRUE, 0), 200).images();
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 3, 3, 3}, small.countPerClass());
        assertArrayEquals(new int[] {20, 20, 20, 20, 20, 20, 20, 20, 20, 20}, large.countPerClass());
        for (int c = 0; c < 10; c++) {
            int[] smallOfClass = indicesOfClass(small, c);
            int[] largeOfClass = indicesOfClass(large, c);
            for (int k = 0; k < smallOfClass.length; k++) {
                assertArrayEquals(large.image(largeOfClass[k]), small.image(smallOfClass[k]), "class " + c + " #" + k);
            }
        }
    }

    @Test
    void perClassCountsAreMonotoneInSize() {
        for (int classes = 1; classes <= 10; classes++) {
            int[] previous = new int[classes];
            for (int size = 1; size <= 300; size++) {
                int[] counts = TrainingSubset.perClassCounts(size, classes);
                assertEquals(size, Arrays.stream(counts).sum());
                assertTrue(Arrays.stream(counts).max().getAsInt() - Arrays.stream(counts).min().getAsInt() <= 1);
                for (int c = 0; c < classes; c++) {
                    assertTrue(counts[c] >= previous[c]);
                }
                previous = counts;
            }
        }
    }

    @Test
    void firstCClassesOnly() {
        ImageSet two = TrainingSubset.materialize(TestData.mnist(), data(16, 2, LabelMode.TRUE, 0), 10).images();
        assertEquals(10, two.size());
        assertTrue(Arrays.stream(two.labels()).allMatch(label -> label < 2));
        assertArrayEquals(new int[] {5, 5}, Arrays.copyOf(two.countPerClass(), 2));
    }

    @Test
    void resolutionsPadThenAverage() {
        ImageSet source = TestData.mnist();
        ImageSet at32 = TrainingSubset.materialize(source, data(32, 10, LabelMode.NONE, 0), 10).images();
        ImageSet at16 = TrainingSubset.materialize(source, data(16, 10, LabelMode.NONE, 0), 10).images();
        ImageSet at8 = TrainingSubset.materialize(source, data(8, 10, LabelMode.NONE, 0), 10).images();
        assertEquals(32 * 32, at32.dimension());
        assertEquals(16 * 16, at16.dimension());
        assertEquals(8 * 8, at8.dimension());
        // Padding is 2 zero pixels each side, and the 28x28 digit sits in the centre.
        assertEquals(0, at32.pixels()[0]);
        assertEquals(source.pixels()[14 * 28 + 14] & 0xFF, at32.pixels()[16 * 32 + 16] & 0xFF);
        int sum = 0;
        for (int dy = 0; dy < 2; dy++) {
            for (int dx = 0; dx < 2; dx++) {
                sum += at32.pixels()[(10 + dy) * 32 + 12 + dx] & 0xFF;
            }
        }
        assertEquals((sum + 2) / 4, at16.pixels()[5 * 16 + 6] & 0xFF);
        assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(source, data(64, 10, LabelMode.NONE, 0), 10));
    }

    @Test
    void labelModes() {
        ImageSet source = TestData.mnist();
        TrainingSubset none = TrainingSubset.materialize(source, data(8, 10, LabelMode.NONE, 0), 20);
        assertEquals(0, none.labelDim());
        TrainingSubset unique = TrainingSubset.materialize(source, data(8, 10, LabelMode.UNIQUE, 0), 20);
        assertEquals(20, unique.labelDim());
        assertArrayEquals(java.util.stream.IntStream.range(0, 20).toArray(), unique.images().labels());

        TrainingSubset random = TrainingSubset.materialize(source, data(8, 10, LabelMode.RANDOM, 1), 200);
        TrainingSubset again = TrainingSubset.materialize(source, data(8, 10, LabelMode.RANDOM, 1), 200);
        TrainingSubset otherSeed = TrainingSubset.materialize(source, data(8, 10, LabelMode.RANDOM, 2), 200);
        TrainingSubset nestedSmaller = TrainingSubset.materialize(source, data(8, 10, LabelMode.RANDOM, 1), 100);
        assertEquals(7, random.labelDim());
        assertArrayEquals(random.images().labels(), again.images().labels());
        assertNotEquals(Arrays.toString(random.images().labels()), Arrays.toString(otherSeed.images().labels()));
        assertTrue(Arrays.stream(random.images().labels()).allMatch(label -> label >= 0 && label < 7));
        int[] perLabel = random.images().countPerClass();
        assertTrue(Arrays.stream(perLabel, 0, 7).allMatch(count -> count > 10), Arrays.toString(perLabel));
        for (int c = 0; c < 10; c++) {
            int[] small = indicesOfTrueClass(source, nestedSmaller, c);
            int[] large = indicesOfTrueClass(source, random, c);
            for (int k = 0; k < small.length; k++) {
                assertEquals(random.images().label(large[k]), nestedSmaller.images().label(small[k]));
            }
        }
    }

    @Test
    void tooFewImagesOrClassesNamesTheProblem() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(TestData.mnist(), data(16, 10, LabelMode.NONE, 0), 9000));
        assertTrue(error.getMessage().contains("863 images of class 5"), error.getMessage());
        var classes = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(TestData.mnist(), data(16, 11, LabelMode.NONE, 0), 20));
        assertTrue(classes.getMessage().contains("has 10 classes"), classes.getMessage());
    }

    @Test
    void codecRoundTripsAndRejectsTruncation() throws IOException {
        ImageSet subset = TrainingSubset.materialize(TestData.mnist(), data(16, 10, LabelMode.TRUE, 0), 30).images();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ImageSetCodec.write(subset, buffer);
        ImageSet back = ImageSetCodec.fromBytes(buffer.toByteArray());
        assertArrayEquals(subset.pixels(), back.pixels());
        assertArrayEquals(subset.labels(), back.labels());
        assertEquals(16, back.width());
        byte[] truncated = Arrays.copyOf(buffer.toByteArray(), buffer.size() / 2);
        assertThrows(IOException.class, () -> ImageSetCodec.fromBytes(truncated));
    }

    private static int[] indicesOfClass(ImageSet set, int label) {
        return java.util.stream.IntStream.range(0, set.size()).filter(i -> set.label(i) == label).toArray();
    }

    /** Positions in {@code subset} whose image is of true class {@code label} (order preserved). */
    private static int[] indicesOfTrueClass(ImageSet source, TrainingSubset subset, int label) {
        int[] perClass = TrainingSubset.perClassCounts(subset.images().size(), 10);
        int[] positions = new int[perClass[label]];
        int seen = 0;
        int[] taken = new int[10];
        int position = 0;
        for (int i = 0; i < source.size() && position < subset.images().size(); i++) {
            int c = source.label(i);
            if (taken[c] < perClass[c]) {
                taken[c]++;
                if (c == label) {
                    positions[seen++] = position;
                }
                position++;
            }
        }
        return positions;
    }
}
