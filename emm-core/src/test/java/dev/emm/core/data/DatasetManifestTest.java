package dev.emm.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A manifest checked against the images it describes. */
class DatasetManifestTest {

    /** 50 images of 1x16x16 (seeded noise), five of each of ten classes, in class order. */
    private static final ImageSet IMAGES = images(5);

    static ImageSet images(int perClass) {
        int count = perClass * 10;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i / perClass;
        }
        byte[] pixels = new byte[count * 256];
        new java.util.Random(7).nextBytes(pixels);
        return new ImageSet(1, 16, 16, 10, labels, pixels);
    }

    private static DatasetManifest manifest(int count, int height, List<Integer> perClass) {
        return new DatasetManifest("liar", 1, count, 1, height, 16, 10, perClass,
                SubsetFeasibilityTest.names(10), "test", "0", "test");
    }

    @Test
    void aTruthfulManifestMatches() {
        assertEquals(Optional.empty(), SubsetFeasibilityTest.manifest("true", IMAGES, SubsetFeasibilityTest.names(10))
                .mismatch(IMAGES));
        assertEquals(Optional.empty(), manifest(50, 16, null).mismatch(IMAGES), "a manifest without counts per class");
    }

    @Test
    void aManifestThatLiesAboutItsCountsIsNamedWithBothDescriptions() {
        assertEquals(Optional.of("the manifest says 1000 images of 1x16x16 in 10 classes (100 per class), the images"
                + " hold 50 images of 1x16x16 in 10 classes (5 per class)"),
                manifest(1000, 16, List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100)).mismatch(IMAGES));
        assertEquals(Optional.of("the manifest says 50 images of 1x16x16 in 10 classes (per class [14, 4, 4, 4, 4, 4,"
                + " 4, 4, 4, 4]), the images hold 50 images of 1x16x16 in 10 classes (5 per class)"),
                manifest(50, 16, List.of(14, 4, 4, 4, 4, 4, 4, 4, 4, 4)).mismatch(IMAGES),
                "the right total, spread over the classes otherwise");
        assertEquals(Optional.of("the manifest says 50 images of 1x32x16 in 10 classes (5 per class), the images hold"
                + " 50 images of 1x16x16 in 10 classes (5 per class)"),
                manifest(50, 32, List.of(5, 5, 5, 5, 5, 5, 5, 5, 5, 5)).mismatch(IMAGES));
    }
}
