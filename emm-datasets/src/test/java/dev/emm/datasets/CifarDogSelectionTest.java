package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.Resampling;
import dev.emm.core.data.SubsetFeasibility;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.SpecViolation;
import dev.emm.datasets.CifarImportTest.Cifar10;
import dev.emm.datasets.Fixtures.Images;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec selecting class {@code dog} of a CIFAR-10 archive (the published python-pickle format,
 * built here) trains on dogs only, as the paper's intra-class study does with
 * {@code open_cifar10_certain_class(class_num=5)}: the subset is the archive's first dogs in source
 * order, and nothing else.
 */
class CifarDogSelectionTest {

    private static final int DOG = 5;

    @TempDir
    Path dir;

    private Images archiveTrain;
    private ImportedDataset cifar;
    private int dogs;

    @BeforeEach
    void importArchive() throws Exception {
        Images all = Fixtures.images(21, 300, Fixtures.CIFAR_DIM, 10);
        List<Images> batches = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            batches.add(all.slice(b * 60, (b + 1) * 60));
        }
        Cifar10 data = new Cifar10(batches, Fixtures.images(22, 10, Fixtures.CIFAR_DIM, 10));
        Path file = CifarImportTest.cifar10Python(dir.resolve("cifar-10-python.tar.gz"), data);
        cifar = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        archiveTrain = data.allTrain();
        dogs = (int) IntStream.of(archiveTrain.labels()).filter(label -> label == DOG).count();
    }

    private static ExperimentSpec spec(String data, int maxSize) {
        return SpecValidator.validated(Json.readStrict(("{\"data\": " + data + ", \"search\": {\"minSize\": 2,"
                + " \"maxSize\": " + maxSize + "}}").getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    /** The archive's dog images (label 5 in the pickled batches), in source order. */
    private List<byte[]> archiveDogs() {
        List<byte[]> found = new ArrayList<>();
        for (int i = 0; i < archiveTrain.size(); i++) {
            if (archiveTrain.labels()[i] == DOG) {
                found.add(archiveTrain.image(i));
            }
        }
        return found;
    }

    @Test
    void selectingDogTrainsOnTheArchivesFirstDogsOnly() {
        assertEquals(30, dogs, "the fixture's dog count");
        assertEquals("dog", cifar.classNames().get(DOG));
        int size = 20;
        DataSpec data = spec("{\"dataset\": \"cifar10\", \"resolution\": 32, \"selectClasses\": [\"dog\"]}", 1000)
                .data();
        assertEquals(1, data.classes());
        ImageSet subset = TrainingSubset.materialize(cifar.images(), cifar.classNames(), null, null, data, size)
                .images();

        assertEquals(size, subset.size());
        List<byte[]> expected = archiveDogs();
        for (int j = 0; j < size; j++) {
            assertArrayEquals(expected.get(j), subset.image(j), "subset image " + j + " is the archive's dog " + j);
            assertEquals(0, subset.label(j), "class 0 of the subset, the first (only) selected class");
        }
        // By index, the same subset.
        DataSpec byIndex = spec("{\"dataset\": \"cifar10\", \"resolution\": 32, \"selectClasses\": [5]}", 1000).data();
        assertArrayEquals(subset.pixels(),
                TrainingSubset.materialize(cifar.images(), byIndex, size).images().pixels());
        // A smaller subset is a prefix of it (nested).
        ImageSet smaller = TrainingSubset.materialize(cifar.images(), cifar.classNames(), null, null, data, 7).images();
        assertArrayEquals(java.util.Arrays.copyOf(subset.pixels(), 7 * subset.dimension()), smaller.pixels());
    }

    @Test
    void atSixteenPixelsTheDogsAreLanczosResized() {
        DataSpec data = spec("{\"dataset\": \"cifar10\", \"resolution\": 16, \"selectClasses\": [\"dog\"]}", 1000)
                .data();
        ImageSet subset = TrainingSubset.materialize(cifar.images(), cifar.classNames(), null, null, data, 10).images();
        List<byte[]> expected = archiveDogs();
        byte[] firstTen = new byte[10 * Fixtures.CIFAR_DIM];
        for (int j = 0; j < 10; j++) {
            System.arraycopy(expected.get(j), 0, firstTen, j * Fixtures.CIFAR_DIM, Fixtures.CIFAR_DIM);
        }
        ImageSet dogsAt32 = new ImageSet(3, 32, 32, 1, new int[10], firstTen);
        assertArrayEquals(Resampling.toResolution(dogsAt32, 16, ResamplingMethod.LANCZOS).pixels(), subset.pixels());
        assertEquals(16, subset.height());
    }

    @Test
    void theManifestCheckNamesAMissingClassAndTooFewDogs() {
        DatasetManifest manifest = cifar.manifest("cifar10");
        List<SpecViolation> wolf = SubsetFeasibility.check(spec("{\"dataset\": \"cifar10\", \"resolution\": 32,"
                + " \"selectClasses\": [\"wolf\"]}", 10), Optional.of(manifest), Optional.empty());
        assertEquals(List.of("data.selectClasses"), wolf.stream().map(SpecViolation::field).toList());
        assertTrue(wolf.get(0).message().contains("'wolf'") && wolf.get(0).message().contains("dog"),
                wolf.get(0).message());

        List<SpecViolation> tooMany = SubsetFeasibility.check(spec("{\"dataset\": \"cifar10\", \"resolution\": 32,"
                + " \"selectClasses\": [\"dog\"]}", 31), Optional.of(manifest), Optional.empty());
        assertEquals(List.of("search.maxSize"), tooMany.stream().map(SpecViolation::field).toList());
        assertTrue(tooMany.get(0).message().contains("class 5 'dog' has 30, needs 31")
                && tooMany.get(0).message().contains("the largest size it can supply is 30"), tooMany.get(0).message());

        assertEquals(List.of(), SubsetFeasibility.check(spec("{\"dataset\": \"cifar10\", \"resolution\": 32,"
                + " \"selectClasses\": [\"dog\"]}", 30), Optional.of(manifest), Optional.empty()));
    }
}
