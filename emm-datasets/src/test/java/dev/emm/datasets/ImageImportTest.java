package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.datasets.Fixtures.Images;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EDM dataset_tool zips and class folders of PNG/JPEG images, and the colour rules they share. */
class ImageImportTest {

    @TempDir
    Path dir;

    static String edmName(int index) {
        String id = String.format("%08d", index);
        return id.substring(0, 5) + "/img" + id + ".png";
    }

    @Test
    void edmZipWithLabelsImportsInSortedNameOrder() throws Exception {
        Images images = Fixtures.images(20, 30, 3 * 8 * 8, 4);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        StringBuilder json = new StringBuilder("{\"labels\": [");
        // Entries written in reverse: the source order is the sorted names, as in EDM's loader.
        for (int i = images.size() - 1; i >= 0; i--) {
            entries.put(edmName(i), Fixtures.png(images.image(i), 3, 8, 8));
            json.append(i == images.size() - 1 ? "" : ", ").append("[\"").append(edmName(i)).append("\", ")
                    .append(images.labels()[i]).append(']');
        }
        entries.put("dataset.json", json.append("]}").toString().getBytes());
        Path file = Fixtures.zip(dir.resolve("edm.zip"), entries);

        assertEquals(DatasetFormat.EDM_ZIP, DatasetImporter.detect(file));
        ImportedDataset imported = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertEquals(3, imported.images().channels());
        assertEquals(8, imported.images().height());
        assertEquals(4, imported.images().classCount());
        assertArrayEquals(images.labels(), imported.images().labels());
        assertArrayEquals(images.pixels(), imported.images().pixels());
        assertEquals(List.of("0", "1", "2", "3"), imported.classNames());
        assertEquals("edm-zip", imported.manifest("e").sourceFormat());
        assertEquals(Fixtures.sha256(file), imported.sourceSha256());
    }

    @Test
    void edmZipWithNullLabelsOrNoJsonIsOneClass() throws Exception {
        Images images = Fixtures.images(21, 12, 6 * 5, 1);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            entries.put(edmName(i), Fixtures.png(images.image(i), 1, 6, 5));
        }
        Map<String, byte[]> withNull = new LinkedHashMap<>(entries);
        withNull.put("dataset.json", "{\"labels\": null}".getBytes());
        for (Path file : List.of(Fixtures.zip(dir.resolve("null.zip"), withNull),
                Fixtures.zip(dir.resolve("nojson.zip"), entries))) {
            ImportedDataset imported = DatasetImporter.importFile(file, Optional.of("edm-zip"), ImportOptions.defaults());
            assertEquals(1, imported.images().channels(), "grayscale stays one channel");
            assertEquals(6, imported.images().height());
            assertEquals(5, imported.images().width());
            assertEquals(1, imported.images().classCount());
            assertEquals(List.of("all"), imported.classNames());
            assertArrayEquals(new int[12], imported.images().labels());
            assertArrayEquals(images.pixels(), imported.images().pixels());
        }
    }

    @Test
    void imageFolderClassesAreSortedFolderNamesAndImagesSortedByName() throws Exception {
        List<String> classes = List.of("cat", "dog", "zebra");
        Images images = Fixtures.images(22, 24, 3 * 4 * 6, 3);
        // Expected order: by class, then by file name (names chosen so that write order differs).
        List<byte[]> expectedPixels = new ArrayList<>();
        List<Integer> expectedLabels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path classDir = Files.createDirectories(dir.resolve("folder").resolve(classes.get(c)));
            for (int i = images.size() - 1; i >= 0; i--) {
                if (images.labels()[i] == c) {
                    Files.write(classDir.resolve(String.format("im_%03d.png", i)), Fixtures.png(images.image(i), 3, 4, 6));
                }
            }
            for (int i = 0; i < images.size(); i++) {
                if (images.labels()[i] == c) {
                    expectedPixels.add(images.image(i));
                    expectedLabels.add(c);
                }
            }
        }
        Files.writeString(dir.resolve("folder/dog/notes.txt"), "ignored");
        Files.write(dir.resolve("folder/dog/.hidden.png"), new byte[] {1, 2, 3});
        Path folder = dir.resolve("folder");

        assertEquals(DatasetFormat.IMAGE_FOLDER, DatasetImporter.detect(folder));
        ImportedDataset imported = DatasetImporter.importFile(folder, Optional.empty(), ImportOptions.defaults());
        assertEquals(classes, imported.classNames());
        assertArrayEquals(expectedLabels.stream().mapToInt(Integer::intValue).toArray(), imported.images().labels());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expectedPixels.forEach(expected::writeBytes);
        assertArrayEquals(expected.toByteArray(), imported.images().pixels());
        assertEquals(4, imported.images().height());
        assertEquals(6, imported.images().width());
        assertEquals("image-folder", imported.manifest("f").sourceFormat());
        assertEquals(64, imported.sourceSha256().length());
    }

    @Test
    void opaqueAlphaIsDroppedTransparentAlphaIsRefused() throws Exception {
        byte[] rgba = new byte[4 * 3 * 3];
        for (int i = 0; i < 27; i++) {
            rgba[i] = (byte) (i * 9);
        }
        for (int i = 27; i < 36; i++) {
            rgba[i] = (byte) 255;
        }
        Path opaque = Files.createDirectories(dir.resolve("opaque/a"));
        Files.write(opaque.resolve("x.png"), Fixtures.png(rgba, 4, 3, 3));
        ImportedDataset imported = DatasetImporter.importFile(dir.resolve("opaque"), Optional.of("image-folder"),
                ImportOptions.defaults());
        assertEquals(3, imported.images().channels());
        assertArrayEquals(java.util.Arrays.copyOf(rgba, 27), imported.images().pixels());

        rgba[30] = 100;
        Path transparent = Files.createDirectories(dir.resolve("transparent/a"));
        Files.write(transparent.resolve("x.png"), Fixtures.png(rgba, 4, 3, 3));
        DatasetImportException e = assertThrows(DatasetImportException.class, () -> DatasetImporter.importFile(
                dir.resolve("transparent"), Optional.of("image-folder"), ImportOptions.defaults()));
        assertTrue(e.getMessage().contains("a/x.png") && e.getMessage().contains("transparent"), e.getMessage());
    }

    @Test
    void paletteImagesExpandThroughThePalette() throws Exception {
        byte[] r = {0, (byte) 200, 10};
        byte[] g = {0, 100, 20};
        byte[] b = {0, 50, 30};
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, g, b));
        image.getRaster().setSample(0, 0, 0, 1);
        image.getRaster().setSample(1, 0, 0, 2);
        image.getRaster().setSample(0, 1, 0, 0);
        image.getRaster().setSample(1, 1, 0, 1);
        Path classDir = Files.createDirectories(dir.resolve("palette/c"));
        ImageIO.write(image, "png", classDir.resolve("p.png").toFile());
        ImportedDataset imported = DatasetImporter.importFile(dir.resolve("palette"), Optional.empty(),
                ImportOptions.defaults());
        assertEquals(3, imported.images().channels());
        assertArrayEquals(new byte[] {(byte) 200, 10, 0, (byte) 200, 100, 20, 0, 100, 50, 30, 0, 50},
                imported.images().pixels());
    }

    @Test
    void jpegImagesDecodeToRgb() throws Exception {
        byte[] chw = new byte[3 * 16 * 16];
        java.util.Arrays.fill(chw, 0, 256, (byte) 200);
        java.util.Arrays.fill(chw, 256, 512, (byte) 40);
        java.util.Arrays.fill(chw, 512, 768, (byte) 90);
        Path classDir = Files.createDirectories(dir.resolve("jpeg/only"));
        Files.write(classDir.resolve("a.jpg"), Fixtures.encode(chw, 3, 16, 16, "jpeg"));
        ImportedDataset imported = DatasetImporter.importFile(dir.resolve("jpeg"), Optional.empty(),
                ImportOptions.defaults());
        assertEquals(3, imported.images().channels());
        byte[] pixels = imported.images().pixels();
        for (int i = 0; i < pixels.length; i++) {
            assertTrue(Math.abs((pixels[i] & 0xFF) - (chw[i] & 0xFF)) <= 4, "lossy but close at " + i);
        }
    }
}
