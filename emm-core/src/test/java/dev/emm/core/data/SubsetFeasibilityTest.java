package dev.emm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.TestData;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.SpecViolation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SubsetFeasibilityTest {

    /** The bundled MNIST subset's manifest: 10,000 images, class 5 the smallest with 863. */
    static final DatasetManifest MNIST = manifest("mnist", TestData.mnist(), names(10));

    static DatasetManifest manifest(String name, ImageSet set, List<String> classNames) {
        return new DatasetManifest(name, ImageSetCodec.VERSION, set.size(), set.channels(), set.height(), set.width(),
                set.classCount(), Arrays.stream(set.countPerClass()).boxed().toList(), classNames, "test", "0", "test");
    }

    static DatasetManifest manifest(String name, int channels, int height, int width, List<Integer> counts) {
        return new DatasetManifest(name, 1, counts.stream().mapToInt(Integer::intValue).sum(), channels, height, width,
                counts.size(), counts, names(counts.size()), "test", "0", "test");
    }

    static List<String> names(int classes) {
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    static ExperimentSpec spec(String json) {
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    static List<SpecViolation> check(String json, DatasetManifest primary, DatasetManifest secondary) {
        return SubsetFeasibility.check(spec(json), Optional.ofNullable(primary), Optional.ofNullable(secondary));
    }

    static List<String> fields(List<SpecViolation> violations) {
        return violations.stream().map(SpecViolation::field).toList();
    }

    @Test
    void theDefaultSearchOnMnistIsFeasible() {
        assertEquals(List.of(), check("{}", MNIST, null));
        assertEquals(List.of(), check("{\"data\":{\"resolution\":32,\"classes\":1},\"search\":{\"maxSize\":1001}}",
                MNIST, null));
    }

    @Test
    void anUnregisteredDatasetIsNamed() {
        List<SpecViolation> violations = check("{\"data\":{\"dataset\":\"cifar10\"}}", null, null);
        assertEquals(List.of("data.dataset"), fields(violations));
        assertTrue(violations.get(0).message().contains("no dataset named 'cifar10'"), violations.toString());
    }

    @Test
    void tooManyClasses() {
        List<SpecViolation> violations = check("{\"data\":{\"classes\":11},\"search\":{\"minSize\":11}}", MNIST, null);
        assertEquals(List.of("data.classes"), fields(violations));
        assertEquals("is 11 but dataset 'mnist' has 10 classes", violations.get(0).message());
    }

    @Test
    void aClassTooSmallForTheLargestSubsetIsNamedWithItsShortfall() {
        // 9,000 images in 10 classes need 900 of each; class 5 has 863.
        List<SpecViolation> violations = check("{\"search\":{\"maxSize\":9000}}", MNIST, null);
        assertEquals(List.of("search.maxSize"), fields(violations));
        assertEquals("dataset 'mnist' cannot supply a class-balanced subset of 9000 images in 10 classes: "
                + "class 5 has 863, needs 900 (37 short); the largest size it can supply is 8635",
                violations.get(0).message());
        // 8635 is exactly the edge: class 5 then needs ceil(8630 / 10) = 863.
        assertEquals(List.of(), check("{\"search\":{\"maxSize\":8635}}", MNIST, null));
        assertEquals(List.of("search.maxSize"), fields(check("{\"search\":{\"maxSize\":8636}}", MNIST, null)));

        DatasetManifest named = new DatasetManifest("pets", 1, 13, 3, 32, 32, 3, List.of(6, 2, 5),
                List.of("cat", "dog", "bird"), "test", "0", "test");
        List<SpecViolation> pets = check("{\"data\":{\"dataset\":\"pets\",\"resolution\":32,\"classes\":3},"
                + "\"search\":{\"minSize\":3,\"maxSize\":18}}", named, null);
        assertEquals("dataset 'pets' cannot supply a class-balanced subset of 18 images in 3 classes: "
                + "class 1 'dog' has 2, needs 6 (4 short); class 2 'bird' has 5, needs 6 (1 short); "
                + "the largest size it can supply is 7", pets.get(0).message());
    }

    @Test
    void resolutionMustBeReachableByPaddingAndDownsampling() {
        assertEquals(List.of(), check("{\"data\":{\"resolution\":32}}", MNIST, null));
        assertEquals(List.of(), check("{\"data\":{\"resolution\":4}}", MNIST, null));
        List<SpecViolation> violations = check("{\"data\":{\"resolution\":64}}", MNIST, null);
        assertEquals(List.of("data.resolution"), fields(violations));
        assertEquals("dataset 'mnist' has 28x28 images (32x32 after zero padding to a power of two); resolution 64 "
                + "would need upsampling, which is not supported (at most 32)", violations.get(0).message());
        String twoClasses = "{\"data\":{\"dataset\":\"wide\",\"classes\":2},\"search\":{\"maxSize\":200}}";
        // Both sides powers of two but not square: nothing to pad, and no square to downsample.
        List<SpecViolation> wide = check(twoClasses, manifest("wide", 3, 32, 64, List.of(100, 100)), null);
        assertEquals(List.of("data.resolution"), fields(wide));
        assertTrue(wide.get(0).message().contains("only square images"), wide.toString());
        // 32x48 pads to a 64x64 square, which downsamples to 16.
        assertEquals(List.of(), check(twoClasses, manifest("wide", 3, 32, 48, List.of(100, 100)), null));
    }

    /** The feasibility rule agrees with what Resampling actually does, shape by shape. */
    @Test
    void resolutionRuleAgreesWithResampling() {
        for (int height : new int[] {1, 3, 7, 8, 16, 28, 32, 33, 48, 64}) {
            for (int width : new int[] {1, 5, 8, 16, 28, 32, 64}) {
                ImageSet one = new ImageSet(1, height, width, 1, new int[1], new byte[height * width]);
                for (int resolution = 1; resolution <= 128; resolution *= 2) {
                    boolean works;
                    try {
                        Resampling.toResolution(one, resolution, ResamplingMethod.AREA);
                        works = true;
                    } catch (IllegalArgumentException e) {
                        works = false;
                    }
                    Optional<String> problem = SubsetFeasibility.resolutionProblem(
                            manifest("x", 1, height, width, List.of(1)), resolution);
                    assertEquals(works, problem.isEmpty(), height + "x" + width + " -> " + resolution + ": " + problem);
                }
            }
        }
    }

    @Test
    void aMixNeedsItsSecondDatasetToExistAndSupplyItsShare() {
        String mix = "{\"search\":{\"maxSize\":100},\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5}}}";
        List<SpecViolation> missing = check(mix, MNIST, null);
        assertEquals(List.of("data.mix.dataset"), fields(missing));
        assertTrue(missing.get(0).message().contains("no dataset named 'other'"), missing.toString());

        // 100 images: 10 per class, 5 of them from the second dataset, whose class 3 has 2.
        DatasetManifest other = manifest("other", 1, 32, 32, List.of(9, 9, 9, 2, 9, 9, 9, 9, 9, 9));
        List<SpecViolation> violations = check(mix, MNIST, other);
        assertEquals(List.of("data.mix.alpha"), fields(violations));
        assertEquals("dataset 'other' cannot supply a share alpha = 0.5 of a subset of 100 images (search.maxSize): "
                + "class 3 (for class 3) has 2, needs 5 (3 short); the largest size it can supply is 43",
                violations.get(0).message());
        assertEquals(List.of(), check(mix.replace("100}", "43}"), MNIST, other));
        assertEquals(List.of(), check(mix.replace("0.5", "0.0"), MNIST, manifest("tiny", 1, 8, 8, List.of(1))),
                "alpha 0 takes nothing from the second dataset");
    }

    @Test
    void aMixNeedsMatchingChannelsResolutionAndClasses() {
        String mix = "{\"search\":{\"maxSize\":20},\"data\":{\"resolution\":16,"
                + "\"mix\":{\"dataset\":\"other\",\"alpha\":0.5}}}";
        List<Integer> plenty = List.of(50, 50, 50, 50, 50, 50, 50, 50, 50, 50);
        assertEquals(List.of(), check(mix, MNIST, manifest("other", 1, 64, 64, plenty)));
        List<SpecViolation> rgb = check(mix, MNIST, manifest("other", 3, 32, 32, plenty));
        assertEquals(List.of("data.mix.dataset"), fields(rgb));
        assertTrue(rgb.get(0).message().contains("3 channel(s)"), rgb.toString());
        List<SpecViolation> small = check(mix, MNIST, manifest("other", 1, 8, 8, plenty));
        assertEquals(List.of("data.mix.dataset"), fields(small));
        assertTrue(small.get(0).message().contains("upsampling"), small.toString());
        List<SpecViolation> fewClasses = check(mix, MNIST, manifest("other", 1, 32, 32, List.of(50, 50, 50)));
        assertEquals(List.of("data.mix.dataset"), fields(fewClasses));
        assertTrue(fewClasses.get(0).message().contains("has 3 classes"), fewClasses.toString());

        DatasetManifest animals = new DatasetManifest("other", 1, 300, 1, 32, 32, 3, List.of(100, 100, 100),
                List.of("9", "0", "1"), "test", "0", "test");
        String byName = mix.replace("\"alpha\":0.5", "\"alpha\":0.5,\"classMatch\":\"name\"");
        List<SpecViolation> unnamed = check(byName, MNIST, animals);
        assertEquals(List.of("data.mix.classMap"), fields(unnamed));
        assertTrue(unnamed.get(0).message().contains("'2'"), unnamed.toString());
        assertEquals(List.of(), check(byName.replace("\"classes\"", "\"x\"").replace("\"resolution\":16,",
                "\"resolution\":16,\"classes\":2,"), MNIST, animals));
    }

    /**
     * Property: on random small datasets and specs, the check passes exactly when materializing the
     * largest subset succeeds.
     */
    @Test
    void theCheckAgreesWithMaterializingTheLargestSubset() {
        SplittableRandom random = new SplittableRandom(11);
        int agreements = 0;
        for (int trial = 0; trial < 400; trial++) {
            int classes = 1 + random.nextInt(4);
            ImageSet primary = randomSet(random, 1 + random.nextInt(5), 8, classes);
            ImageSet secondary = randomSet(random, 1 + random.nextInt(5), random.nextBoolean() ? 8 : 4,
                    1 + random.nextInt(4));
            boolean mix = random.nextBoolean();
            double alpha = random.nextInt(11) / 10.0;
            int dataClasses = 1 + random.nextInt(classes);
            int resolution = random.nextBoolean() ? 4 : 8;
            int maxSize = Math.max(2, dataClasses) + random.nextInt(12);
            String json = "{\"data\":{\"dataset\":\"a\",\"classes\":" + dataClasses + ",\"resolution\":" + resolution
                    + (mix ? ",\"mix\":{\"dataset\":\"b\",\"alpha\":" + alpha + "}" : "") + "},"
                    + "\"search\":{\"minSize\":" + Math.max(2, dataClasses) + ",\"maxSize\":" + maxSize + "}}";
            ExperimentSpec spec = spec(json);
            int[] wanted = TrainingSubset.perClassCounts(maxSize, dataClasses);
            if (mix && alpha > 0 && Arrays.stream(wanted).map(n -> IntraClassMix.secondaryCount(n, alpha)).sum() == 0) {
                continue; // the check is stricter here by design: see SubsetFeasibility's documentation
            }
            boolean feasible = SubsetFeasibility.check(spec, Optional.of(manifest("a", primary, names(classes))),
                    Optional.of(manifest("b", secondary, names(secondary.classCount())))).isEmpty();
            boolean works;
            try {
                TrainingSubset.materialize(primary, secondary, spec.data(), maxSize);
                works = true;
            } catch (IllegalArgumentException e) {
                works = false;
            }
            assertEquals(works, feasible, json);
            agreements += works ? 1 : 0;
        }
        assertTrue(agreements > 50 && agreements < 350, "both outcomes are exercised: " + agreements);
    }

    private static ImageSet randomSet(SplittableRandom random, int perClassMax, int side, int classes) {
        int count = classes * perClassMax;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(classes);
        }
        return new ImageSet(1, side, side, classes, labels, new byte[count * side * side]);
    }
}
