package dev.emm.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.IntraClassMix.ClassMapping;
import dev.emm.core.data.IntraClassMix.ClassPlan;
import dev.emm.core.data.IntraClassMix.Plan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntraClassMixTest {

    /**
     * Expected values computed by Python as the paper's intra_diversity.py does,
     * {@code n - int(n * (1 - alpha))}: its float artifacts included (1 - 0.8 is 0.19999999999999996,
     * so 1,000 dogs at alpha 0.8 take 199 from CIFAR-10 and 801 from ImageNet).
     */
    @ParameterizedTest(name = "alpha {1} of {0} per class -> {2} from the secondary")
    @CsvSource({
        "10, 0.0, 0", "10, 1.0, 10", "10, 0.1, 1", "10, 0.25, 3", "10, 0.35, 4", "10, 0.5, 5", "10, 0.05, 1",
        "100, 0.125, 13", "100, 0.3, 30", "7, 0.5, 4", "3, 0.5, 2", "1, 0.5, 1", "1, 0.49, 1", "2000, 0.07, 141",
        "0, 0.5, 0", "5000, 0.001, 5", "3, 0.1666, 1", "1000, 0.9, 901", "7, 0.2, 2", "1000, 0.2, 200",
        "1000, 0.5, 500", "1000, 0.8, 801", "2000, 0.8, 1601", "5000, 0.2, 1000"})
    void secondaryCountIsThePapersSplit(int perClass, double alpha, int expected) {
        assertEquals(expected, IntraClassMix.secondaryCount(perClass, alpha));
        IntraClassMix.Counts counts = IntraClassMix.counts(perClass, alpha);
        assertEquals(perClass - expected, counts.fromPrimary());
        assertEquals(expected, counts.fromSecondary());
    }

    @Test
    void alphaOutsideTheUnitIntervalIsRefused() {
        for (double alpha : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> IntraClassMix.secondaryCount(10, alpha));
        }
    }

    /** Labels cycle 0..classes-1; pixel value of image i is i (so indices are visible in pixels). */
    static ImageSet cycling(int count, int classes, int offset) {
        int[] labels = new int[count];
        byte[] pixels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (i * 7 + offset) % classes;
            pixels[i] = (byte) (i + offset);
        }
        return new ImageSet(1, 1, 1, classes, labels, pixels);
    }

    @Test
    void planTakesTheFirstImagesOfEachClassFromEachSourceInSourceOrder() {
        ImageSet primary = cycling(100, 10, 0);
        ImageSet secondary = cycling(60, 10, 3);
        Plan plan = IntraClassMix.plan(primary, secondary, ClassMapping.byIndex(), 4, 5, 0.35);

        assertEquals(4, plan.classes().size());
        assertEquals(20, plan.size());
        assertEquals(12, plan.totalFromPrimary());
        assertEquals(8, plan.totalFromSecondary());
        for (ClassPlan c : plan.classes()) {
            int[] expectedPrimary = firstOf(primary, c.primaryClass(), 3);
            int[] expectedSecondary = firstOf(secondary, c.primaryClass(), 2);
            assertArrayEquals(expectedPrimary, c.primaryIndices());
            assertArrayEquals(expectedSecondary, c.secondaryIndices());
            assertEquals(c.primaryClass(), c.secondaryClass());
        }

        ImageSet mixed = IntraClassMix.apply(primary, secondary, plan);
        assertEquals(20, mixed.size());
        assertEquals(4, mixed.classCount());
        assertArrayEquals(new int[] {5, 5, 5, 5}, mixed.countPerClass());
        ClassPlan first = plan.classes().get(0);
        assertEquals(primary.pixels()[first.primaryIndices()[0]], mixed.pixels()[0]);
        assertEquals(secondary.pixels()[first.secondaryIndices()[0]], mixed.pixels()[3]);
    }

    @Test
    void subsetsStayNestedAsPerClassGrows() {
        ImageSet primary = cycling(400, 10, 0);
        ImageSet secondary = cycling(400, 10, 1);
        for (double alpha : new double[] {0.0, 0.1, 0.35, 0.5, 0.9, 1.0}) {
            Plan previous = null;
            for (int perClass = 0; perClass <= 30; perClass++) {
                Plan plan = IntraClassMix.plan(primary, secondary, ClassMapping.byIndex(), 10, perClass, alpha);
                if (previous != null) {
                    for (int c = 0; c < 10; c++) {
                        assertPrefix(previous.classes().get(c).primaryIndices(), plan.classes().get(c).primaryIndices());
                        assertPrefix(previous.classes().get(c).secondaryIndices(),
                                plan.classes().get(c).secondaryIndices());
                    }
                }
                previous = plan;
            }
        }
    }

    @Test
    void classesMapByName() {
        ImageSet primary = cycling(40, 3, 0);
        ImageSet secondary = cycling(40, 4, 0);
        ClassMapping byName = ClassMapping.byName(List.of("cat", "dog", "bird"), List.of("fish", "bird", "cat", "dog"));
        Plan plan = IntraClassMix.plan(primary, secondary, byName, 3, 4, 0.5);
        assertEquals(List.of(2, 3, 1), plan.classes().stream().map(ClassPlan::secondaryClass).toList());
        assertArrayEquals(firstOf(secondary, 2, 2), plan.classes().get(0).secondaryIndices());

        ClassMapping renamed = ClassMapping.byName(List.of("cat", "dog", "bird"), List.of("felis", "canis", "bird"),
                Map.of("cat", "felis", "dog", "canis"));
        assertEquals(List.of(0, 1, 2), IntraClassMix.plan(primary, secondary, renamed, 3, 4, 0.5).classes().stream()
                .map(ClassPlan::secondaryClass).toList());

        ClassMapping missing = ClassMapping.byName(List.of("cat"), List.of("dog"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntraClassMix.plan(cycling(4, 1, 0), cycling(4, 1, 0), missing, 1, 2, 0.5));
        assertTrue(e.getMessage().contains("'cat'"), e.getMessage());
    }

    @Test
    void tooFewImagesInASourceClassIsAnErrorNamingIt() {
        ImageSet primary = cycling(20, 10, 0);
        ImageSet secondary = cycling(10, 10, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IntraClassMix.plan(primary, secondary, ClassMapping.byIndex(), 10, 4, 0.5));
        assertTrue(e.getMessage().contains("secondary") && e.getMessage().contains("class 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> IntraClassMix.plan(primary, secondary, ClassMapping.byIndex(), 10, 3, 0.0));
    }

    static int[] firstOf(ImageSet set, int label, int count) {
        return java.util.stream.IntStream.range(0, set.size()).filter(i -> set.label(i) == label).limit(count).toArray();
    }

    static void assertPrefix(int[] smaller, int[] larger) {
        assertTrue(smaller.length <= larger.length);
        assertArrayEquals(smaller, Arrays.copyOf(larger, smaller.length));
    }
}
