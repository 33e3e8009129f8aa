package dev.emm.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Zips written by EDM's {@code dataset_tool.py}: images (PNG; JPEG also read) in any folders, and
 * an optional {@code dataset.json} at the root, {@code {"labels": [["00000/img00000000.png", 6], ...]}}
 * or {@code {"labels": null}}. As in EDM's loader, the source order is the images' archive names
 * sorted; labels are looked up by name. Without labels the dataset has one class, "all".
 */
final class EdmZipImporter {

    static final String LABELS_ENTRY = "dataset.json";
    static final String LICENSE = "user-supplied EDM dataset_tool zip; the license is that of the images' source";
    private static final long MAX_JSON_BYTES = 256L << 20;

    private EdmZipImporter() {
    }

    static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg");
    }

    static ImportedDataset importZip(Path file, ImportOptions options, String sha256) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new DatasetImportException(file, null, "not a readable zip archive (corrupt or truncated?): "
                    + ImageDecoding.rootMessage(e), e);
        }
        try (zip) {
            List<String> names = new ArrayList<>();
            ZipEntry labelsEntry = null;
            try {
                for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                    ZipEntry entry = entries.nextElement();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    if (entry.getName().equals(LABELS_ENTRY)) {
                        labelsEntry = entry;
                    } else if (isImageName(entry.getName())) {
                        names.add(entry.getName());
                    }
                }
            } catch (RuntimeException e) {
                throw new DatasetImportException(file, null, "corrupt zip directory: " + ImageDecoding.rootMessage(e), e);
            }
            names.sort(null);
            if (names.isEmpty()) {
                throw DatasetImportException.of(file, "the zip holds no .png/.jpg/.jpeg images");
            }
            Map<String, Integer> labelByName = labelsEntry == null ? null : readLabels(file, zip, labelsEntry);
            int[] labels = new int[names.size()];
            int classCount = 1;
            if (labelByName != null) {
                for (String name : labelByName.keySet()) {
                    if (!isImageName(name)) {
                        throw new DatasetImportException(file, LABELS_ENTRY, "mislabelled: a label for " + name
                                + ", which is not a .png/.jpg/.jpeg image");
                    }
                }
                int max = 0;
                for (int i = 0; i < labels.length; i++) {
                    Integer label = labelByName.get(names.get(i));
                    if (label == null) {
                        throw new DatasetImportException(file, LABELS_ENTRY, "mislabelled: no label for image "
                                + names.get(i));
                    }
                    labels[i] = label;
                    max = Math.max(max, label);
                }
                classCount = max + 1;
            }
            PixelArray pixels = new PixelArray(file, names.size());
            for (String name : names) {
                ZipEntry entry = zip.getEntry(name);
                try (InputStream in = zip.getInputStream(entry)) {
                    pixels.add(ImageDecoding.decodeForImport(in, entry.getSize(), pixels, options,
                            problem -> new DatasetImportException(file, name, problem)), name);
                } catch (DatasetImportException e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw new DatasetImportException(file, name, "corrupt zip entry: " + ImageDecoding.rootMessage(e), e);
                }
            }
            List<String> classNames = labelByName == null ? List.of("all")
                    : IntStream.range(0, classCount).mapToObj(Integer::toString).toList();
            return new ImportedDataset(pixels.toImageSet(labels, classCount), classNames, DatasetFormat.EDM_ZIP, sha256,
                    options.license().orElse(LICENSE));
        }
    }

    /** The labels of dataset.json by image name, or null when it says {@code "labels": null}. */
    private static Map<String, Integer> readLabels(Path file, ZipFile zip, ZipEntry entry) throws IOException {
        if (entry.getSize() > MAX_JSON_BYTES) {
            throw new DatasetImportException(file, LABELS_ENTRY, "implausibly large (" + entry.getSize() + " bytes)");
        }
        JsonNode root;
        try (InputStream in = zip.getInputStream(entry)) {
            root = Json.mapper().readTree(in);
        } catch (IOException | RuntimeException e) {
            throw new DatasetImportException(file, LABELS_ENTRY, "not valid JSON: " + ImageDecoding.rootMessage(e), e);
        }
        if (root == null || !root.isObject() || !root.has("labels")) {
            throw new DatasetImportException(file, LABELS_ENTRY, "expected an object with \"labels\"");
        }
        JsonNode labels = root.get("labels");
        if (labels.isNull()) {
            return null;
        }
        if (!labels.isArray()) {
            throw new DatasetImportException(file, LABELS_ENTRY, "\"labels\" must be null or a list of [name, label]");
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            JsonNode pair = labels.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()) {
                throw new DatasetImportException(file, LABELS_ENTRY, "labels[" + i + "] is " + pair
                        + ", expected [\"name.png\", integer]");
            }
            String name = pair.get(0).asText().replace('\\', '/');
            JsonNode label = pair.get(1);
            if (!label.isIntegralNumber() || label.asLong() < 0 || label.asLong() > 65534) {
                throw new DatasetImportException(file, LABELS_ENTRY, "mislabelled: labels[" + i + "] gives " + name
                        + " the label " + label + "; expected a class index 0..65534");
            }
            if (byName.put(name, label.asInt()) != null) {
                throw new DatasetImportException(file, LABELS_ENTRY, "mislabelled: " + name + " is labelled twice");
            }
            if (zip.getEntry(name) == null) {
                throw new DatasetImportException(file, LABELS_ENTRY, "mislabelled: labels[" + i + "] names " + name
                        + ", which is not in the zip");
            }
        }
        return byName;
    }
}
