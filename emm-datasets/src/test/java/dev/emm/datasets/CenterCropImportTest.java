package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.Resampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Photographs of many sizes (ImageNet's dogs) become one dataset with the import option
 * {@code centerCrop}, as the paper's {@code dataset_tool.py --transform=center-crop --resolution=32x32}
 * prepares them: central square, LANCZOS to 32x32, grayscale repeated into RGB.
 */
class CenterCropImportTest {

    @TempDir
    Path dir;

    private static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void photographsOfManySizesBecomeOneCentreCroppedDataset() throws Exception {
        Path dogs = Files.createDirectories(dir.resolve("dogs").resolve("n02084071"));
        byte[] wide = random(1, 3 * 40 * 48);
        byte[] tall = random(2, 3 * 50 * 30);
        byte[] gray = random(3, 36 * 36);
        Files.write(dogs.resolve("a.png"), Fixtures.png(wide, 3, 40, 48));
        Files.write(dogs.resolve("b.png"), Fixtures.png(tall, 3, 50, 30));
        Files.write(dogs.resolve("c.png"), Fixtures.png(gray, 1, 36, 36));

        DatasetImportException mixed = assertThrows(DatasetImportException.class, () -> DatasetImporter.importFile(
                dir.resolve("dogs"), Optional.empty(), ImportOptions.defaults()));
        assertTrue(mixed.getMessage().contains("must share one shape"), mixed.getMessage());

        ImportedDataset imported = DatasetImporter.importFile(dir.resolve("dogs"), Optional.empty(),
                ImportOptions.defaults().withCenterCrop(32));
        ImageSet images = imported.images();
        assertEquals(List.of(3, 3, 32, 32), List.of(images.size(), images.channels(), images.height(), images.width()));
        assertEquals(List.of("n02084071"), imported.classNames());
        assertArrayEquals(Resampling.centerCropTo(new ImageSet(3, 40, 48, 1, new int[1], wide), 32).pixels(),
                images.image(0));
        assertArrayEquals(Resampling.centerCropTo(new ImageSet(3, 50, 30, 1, new int[1], tall), 32).pixels(),
                images.image(1));
        byte[] grayAsRgb = new byte[3 * 36 * 36];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(gray, 0, grayAsRgb, c * 36 * 36, 36 * 36);
        }
        byte[] third = images.image(2);
        assertArrayEquals(Resampling.centerCropTo(new ImageSet(3, 36, 36, 1, new int[1], grayAsRgb), 32).pixels(),
                third);
        assertArrayEquals(Arrays.copyOfRange(third, 0, 1024), Arrays.copyOfRange(third, 2048, 3072));
    }

    @Test
    void centreCropIsRefusedWhereItMeansNothingAndOutsideItsRange() throws Exception {
        Path file = CifarImportTest.cifar10Python(dir.resolve("cifar-10-python.tar.gz"), CifarImportTest.cifar10Data());
        DatasetImportException cifar = assertThrows(DatasetImportException.class, () -> DatasetImporter.importFile(
                file, Optional.empty(), ImportOptions.defaults().withCenterCrop(16)));
        assertTrue(cifar.getMessage().contains("centerCrop applies to image-folder and edm-zip imports"),
                cifar.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ImportOptions.defaults().withCenterCrop(0));
        assertTrue(zero.getMessage().contains("centerCrop must be a side between 1 and 1024"), zero.getMessage());
    }
}
