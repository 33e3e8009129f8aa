package dev.emm.core.data;

import dev.emm.core.json.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.data.IntraClassMix.ClassMapping;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.LabelMode;
import dev.emm.core.spec.MixSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Intra-class diversity in the subset a run trains on: exact counts per source, nesting, labels. */
class TrainingSubsetMixTest {

    /**
     * 1x32x32 images, image i uniform at value i + 1 (so a pixel tells its source index; MNIST's
     * padded corner is always 0), labels cycling with a stride so classes interleave.
     */
    static ImageSet secondary(int count, int classes) {
        int[] labels = new int[count];
        byte[] pixels = new byte[count * 32 * 32];
        for (int i = 0; i < count; i++) {
            labels[i] = (i * 3) % classes;
            Arrays.fill(pixels, i * 1024, (i + 1) * 1024, (byte) (i + 1));
        }
        return new ImageSet(1, 32, 32, classes, labels, pixels);
    }

    static DataSpec data(int resolution, int classes, LabelMode mode, double alpha) {
        return Json.readStrict("""
                {"dataset": "mnist", "resolution": %d, "classes": %d, "labelMode": "%s", "labelClasses": 7,
                 "labelSeed": 3, "resampling": "area",
                 "mix": {"dataset": "other", "alpha": %s, "classMatch": "index", "classMap": {}}}"""
                .formatted(resolution, classes, mode.wireName(), alpha), DataSpec.class);
    }

    static DataSpec unmixed(int resolution, LabelMode mode, long seed) {
        return Json.readStrict("""
                {"dataset": "mnist", "resolution": %d, "classes": 10, "labelMode": "%s", "labelClasses": 7,
                 "labelSeed": %d, "resampling": "area"}""".formatted(resolution, mode.wireName(), seed), DataSpec.class);
    }

    /** The secondary source index of each image of the subset, -1 for a primary (MNIST) image. */
    static int[] secondaryIndexOf(ImageSet subset) {
        int[] index = new int[subset.size()];
        for (int j = 0; j < subset.size(); j++) {
            index[j] = (subset.pixels()[j * subset.dimension()] & 0xFF) - 1;
        }
        return index;
    }

    @Test
    void eachClassTakesThePapersShareFromTheSecondInItsSourceOrder() {
        ImageSet mnist = TestData.mnist();
        ImageSet other = secondary(200, 10);
        int size = 73; // classes 0..2 want 8 images, classes 3..9 want 7
        TrainingSubset subset = TrainingSubset.materialize(mnist, other, data(16, 10, LabelMode.TRUE, 0.35), size);
        ImageSet images = subset.images();
        assertEquals(size, images.size());
        assertEquals(10, subset.labelDim());
        assertEquals(16, images.height());
        // int(8 x 0.65) = int(5.2) = 5 and int(7 x 0.65) = int(4.55) = 4 from MNIST, the rest (3) from the second.
        int[] expectedSecondary = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
        int[] secondaryIndex = secondaryIndexOf(images);
        int primaryCount = size - Arrays.stream(expectedSecondary).sum();
        int[] fromSecondary = new int[10];
        int[] fromPrimary = new int[10];
        for (int j = 0; j < size; j++) {
            boolean isSecondary = secondaryIndex[j] >= 0;
            assertEquals(j >= primaryCount, isSecondary, "primary images first, then secondary; position " + j);
            (isSecondary ? fromSecondary : fromPrimary)[images.label(j)]++;
        }
        assertArrayEquals(expectedSecondary, fromSecondary);
        assertArrayEquals(new int[] {5, 5, 5, 4, 4, 4, 4, 4, 4, 4}, fromPrimary);
        // The secondary part is, for each class, its first images of that class in the second dataset's order.
        List<Integer> expectedOrder = new ArrayList<>();
        int[] taken = new int[10];
        for (int i = 0; i < other.size(); i++) {
            int c = other.label(i);
            if (taken[c] < expectedSecondary[c]) {
                taken[c]++;
                expectedOrder.add(i);
            }
        }
        assertEquals(expectedOrder, Arrays.stream(secondaryIndex, primaryCount, size).boxed().toList());
        for (int j = primaryCount; j < size; j++) {
            assertEquals(other.label(secondaryIndex[j]), images.label(j), "labelled with the class it stands in for");
        }
        // The primary part is exactly the unmixed subset of the primary's share (5 per class), in source order.
        ImageSet unmixedFifty = TrainingSubset.materialize(mnist, unmixed(16, LabelMode.TRUE, 3), primaryCount).images();
        assertArrayEquals(unmixedFifty.pixels(), Arrays.copyOf(images.pixels(), primaryCount * images.dimension()));
        assertArrayEquals(unmixedFifty.labels(), Arrays.copyOf(images.labels(), primaryCount));
    }

    @Test
    void alphaZeroIsTheUnmixedSubsetAndAlphaOneTakesEverythingFromTheSecond() {
        ImageSet mnist = TestData.mnist();
        ImageSet other = secondary(200, 10);
        DataSpec plain = unmixed(16, LabelMode.TRUE, 3);
        ImageSet unmixed = TrainingSubset.materialize(mnist, plain, 40).images();
        ImageSet zero = TrainingSubset.materialize(mnist, other, data(16, 10, LabelMode.TRUE, 0.0), 40).images();
        assertArrayEquals(unmixed.pixels(), zero.pixels());
        assertArrayEquals(unmixed.labels(), zero.labels());
        assertEquals(unmixed.classCount(), zero.classCount());

        ImageSet all = TrainingSubset.materialize(mnist, other, data(16, 10, LabelMode.TRUE, 1.0), 40).images();
        assertTrue(Arrays.stream(secondaryIndexOf(all)).allMatch(i -> i >= 0));
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, all.countPerClass());
    }

    @Test
    void mixedSubsetsAreNestedPerClassAndPerSource() {
        ImageSet mnist = TestData.mnist();
        ImageSet other = secondary(250, 10);
        for (double alpha : new double[] {0.1, 0.35, 0.5, 0.9}) {
            ImageSet previous = null;
            int previousPrimary = 0;
            for (int size = 10; size <= 200; size += 7) {
                ImageSet subset = TrainingSubset.materialize(mnist, other, data(16, 10, LabelMode.TRUE, alpha), size)
                        .images();
                int primaryCount = (int) Arrays.stream(secondaryIndexOf(subset)).filter(i -> i < 0).count();
                if (previous != null) {
                    for (int c = 0; c < 10; c++) {
                        assertPrefix(imagesOfClass(previous, c, 0, previousPrimary),
                                imagesOfClass(subset, c, 0, primaryCount), "primary, alpha " + alpha + " class " + c);
                        assertPrefix(imagesOfClass(previous, c, previousPrimary, previous.size()),
                                imagesOfClass(subset, c, primaryCount, subset.size()),
                                "secondary, alpha " + alpha + " class " + c);
                    }
                }
                previous = subset;
                previousPrimary = primaryCount;
            }
        }
    }

    @Test
    void randomLabelsOfAMixAreReproducibleAndNested() {
        ImageSet mnist = TestData.mnist();
        ImageSet other = secondary(250, 10);
        DataSpec spec = data(8, 10, LabelMode.RANDOM, 0.5);
        TrainingSubset large = TrainingSubset.materialize(mnist, other, spec, 200);
        TrainingSubset again = TrainingSubset.materialize(mnist, other, spec, 200);
        TrainingSubset small = TrainingSubset.materialize(mnist, other, spec, 100);
        assertEquals(7, large.labelDim());
        assertArrayEquals(large.images().labels(), again.images().labels());
        DataSpec otherSeed = new DataSpec(spec.dataset(), spec.resolution(), spec.classes(), null, spec.labelMode(),
                spec.labelClasses(), 4L, spec.resampling(), spec.mix());
        assertNotEquals(Arrays.toString(large.images().labels()),
                Arrays.toString(TrainingSubset.materialize(mnist, other, otherSeed, 200).images().labels()));
        // A secondary image keeps its random label in the larger subset.
        int[] smallIndex = secondaryIndexOf(small.images());
        int[] largeIndex = secondaryIndexOf(large.images());
        for (int j = 0; j < smallIndex.length; j++) {
            if (smallIndex[j] >= 0) {
                int position = indexOf(largeIndex, smallIndex[j]);
                assertTrue(position >= 0);
                assertEquals(small.images().label(j), large.images().label(position));
            }
        }
    }

    @Test
    void classesMapByNameThroughTheGivenMapping() {
        ImageSet mnist = TestData.mnist();
        ImageSet other = secondary(200, 10);
        // The second dataset's class s has the name of MNIST class 9 - s.
        List<String> primaryNames = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        List<String> secondaryNames = List.of("9", "8", "7", "6", "5", "4", "3", "2", "1", "0");
        DataSpec spec = Json.readStrict("""
                {"dataset": "mnist", "resolution": 16, "classes": 10, "labelMode": "true", "labelClasses": 10,
                 "labelSeed": 0, "resampling": "area",
                 "mix": {"dataset": "other", "alpha": 0.5, "classMatch": "name", "classMap": {}}}""", DataSpec.class);
        MixSpec byName = spec.mix();
        ImageSet subset = TrainingSubset.materialize(mnist, other,
                IntraClassMix.mapping(byName, primaryNames, secondaryNames), spec, 40).images();
        int[] index = secondaryIndexOf(subset);
        int mixed = 0;
        for (int j = 0; j < subset.size(); j++) {
            if (index[j] >= 0) {
                mixed++;
                assertEquals(9 - other.label(index[j]), subset.label(j));
            }
        }
        assertEquals(20, mixed);
        assertThrows(IllegalArgumentException.class, () -> TrainingSubset.materialize(mnist, other, spec, 40),
                "matching by name needs the names");
    }

    @Test
    void problemsAreNamed() {
        ImageSet mnist = TestData.mnist();
        var shortSecondary = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(mnist, secondary(30, 10), data(16, 10, LabelMode.NONE, 0.5), 100));
        assertTrue(shortSecondary.getMessage().contains("dataset 'other' has 3 images of class 0"),
                shortSecondary.getMessage());
        assertTrue(shortSecondary.getMessage().contains("needs 5"), shortSecondary.getMessage());

        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            labels[i] = i % 10;
        }
        ImageSet rgbSet = new ImageSet(3, 32, 32, 10, labels, new byte[100 * 3 * 32 * 32]);
        var channels = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(mnist, rgbSet, data(16, 10, LabelMode.NONE, 0.5), 20));
        assertTrue(channels.getMessage().contains("channel"), channels.getMessage());

        var fewerClasses = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(mnist, secondary(100, 5), data(16, 10, LabelMode.NONE, 0.5), 20));
        assertTrue(fewerClasses.getMessage().contains("has 5 classes"), fewerClasses.getMessage());

        var noSecond = assertThrows(IllegalArgumentException.class,
                () -> TrainingSubset.materialize(mnist, data(16, 10, LabelMode.NONE, 0.5), 20));
        assertTrue(noSecond.getMessage().contains("data.mix"), noSecond.getMessage());

        ClassMapping collapsing = c -> 0;
        var duplicate = assertThrows(IllegalArgumentException.class, () -> TrainingSubset.materialize(mnist,
                secondary(100, 10), collapsing, data(16, 2, LabelMode.NONE, 0.5), 20));
        assertTrue(duplicate.getMessage().contains("both map to class 0"), duplicate.getMessage());
    }

    /** Random RGB images, labels cycling with a stride. */
    static ImageSet randomRgb(long seed, int count, int height, int width, int classes) {
        java.util.Random random = new java.util.Random(seed);
        byte[] pixels = new byte[count * 3 * height * width];
        random.nextBytes(pixels);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (i * 3) % classes;
        }
        return new ImageSet(3, height, width, classes, labels, pixels);
    }

    /**
     * The paper's intra-class study: CIFAR-10's dogs alone, a share alpha of them replaced by
     * centre-cropped, LANCZOS-resized ImageNet dogs, int(|D| (1 - alpha)) from CIFAR-10. At alpha
     * 0.8 and |D| = 20 that is int(20 x 0.19999999999999996) = 3, as in Python.
     */
    @Test
    void oneSelectedClassMixedWithCentreCroppedDogsAsThePaper() {
        ImageSet cifar = randomRgb(1, 200, 32, 32, 10);
        List<String> cifarNames = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                "ship", "truck");
        ImageSet imagenetDogs = randomRgb(2, 40, 40, 48, 1);
        DataSpec data = Json.readStrict("""
                {"dataset": "cifar10", "resolution": 32, "classes": 1, "selectClasses": ["dog"], "labelMode": "none",
                 "labelClasses": 1, "labelSeed": 0, "resampling": "lanczos",
                 "mix": {"dataset": "imagenet-dogs", "alpha": 0.8, "classMatch": "name", "classMap": {},
                         "centerCrop": true}}""", DataSpec.class);
        MixSpec mix = data.mix();
        ClassMapping mapping = IntraClassMix.mapping(mix, cifarNames, List.of("dog"));
        ImageSet subset = TrainingSubset.materialize(cifar, cifarNames, imagenetDogs, mapping, data, 20).images();

        assertEquals(20, subset.size());
        int[] cifarDogs = java.util.stream.IntStream.range(0, cifar.size()).filter(i -> cifar.label(i) == 5)
                .toArray();
        for (int j = 0; j < 3; j++) {
            assertArrayEquals(cifar.image(cifarDogs[j]), subset.image(j), "CIFAR-10 dog " + j);
        }
        ImageSet cropped = Resampling.centerCropTo(imagenetDogs, 32);
        for (int j = 3; j < 20; j++) {
            assertArrayEquals(cropped.image(j - 3), subset.image(j), "ImageNet dog " + (j - 3));
        }
        assertArrayEquals(new int[20], subset.labels());
        // The crop is the central 40x40 of each 40x48 image, LANCZOS-resized, not the padded or squashed image.
        byte[] central = new byte[3 * 40 * 40];
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < 40; y++) {
                System.arraycopy(imagenetDogs.pixels(), (ch * 40 + y) * 48 + 4, central, (ch * 40 + y) * 40, 40);
            }
        }
        assertArrayEquals(LanczosResize.resizePlane(Arrays.copyOfRange(central, 0, 1600), 40, 40, 32, 32),
                Arrays.copyOfRange(cropped.image(0), 0, 1024));
    }

    /** The images (as byte rows) of class c among positions [from, to) of the subset, in order. */
    static List<byte[]> imagesOfClass(ImageSet set, int c, int from, int to) {
        List<byte[]> rows = new ArrayList<>();
        for (int j = from; j < to; j++) {
            if (set.label(j) == c) {
                rows.add(set.image(j));
            }
        }
        return rows;
    }

    static void assertPrefix(List<byte[]> smaller, List<byte[]> larger, String what) {
        assertTrue(smaller.size() <= larger.size(), what + ": " + smaller.size() + " > " + larger.size());
        for (int k = 0; k < smaller.size(); k++) {
            assertArrayEquals(larger.get(k), smaller.get(k), what + " #" + k);
        }
    }

    static int indexOf(int[] values, int wanted) {
        for (int j = 0; j < values.length; j++) {
            if (values[j] == wanted) {
                return j;
            }
        }
        return -1;
    }
}
