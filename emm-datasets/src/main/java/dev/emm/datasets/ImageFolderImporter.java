package dev.emm.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder with one subfolder per class, as torchvision's ImageFolder reads it: classes are the
 * subfolders in sorted name order (class index = position), images are the .png/.jpg/.jpeg files
 * under each class folder (searched recursively), sorted by their path relative to the class
 * folder. Hidden files and folders (names starting with '.') and files of other extensions are
 * ignored; an image directly in the root is an error, as is a class folder without images.
 */
final class ImageFolderImporter {

    static final String LICENSE = "user-supplied image folder; the license is that of the images' source";

    private ImageFolderImporter() {
    }

    record Listing(List<String> classes, List<Path> images, int[] labels) {
    }

    static Listing list(Path root) throws IOException {
        List<Path> classDirs = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(child)) {
                    classDirs.add(child);
                } else if (EdmZipImporter.isImageName(name)) {
                    throw new DatasetImportException(root, name, "an image directly in the dataset folder; every image "
                            + "must be inside a class folder (one subfolder per class)");
                }
            }
        }
        if (classDirs.isEmpty()) {
            throw DatasetImportException.of(root, "no class folders: expected one subfolder of images per class");
        }
        if (classDirs.size() > 65535) {
            throw DatasetImportException.of(root, classDirs.size() + " class folders, more than 65535");
        }
        List<String> classes = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            int label = classes.size();
            classes.add(classDir.getFileName().toString());
            List<Path> files;
            try (Stream<Path> walk = Files.walk(classDir)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(path -> !hidden(classDir, path))
                        .filter(path -> EdmZipImporter.isImageName(path.getFileName().toString()))
                        .sorted(Comparator.comparing(path -> relative(classDir, path)))
                        .toList();
            }
            if (files.isEmpty()) {
                throw new DatasetImportException(root, relative(root, classDir),
                        "class folder holds no .png/.jpg/.jpeg images");
            }
            for (Path image : files) {
                images.add(image);
                labels.add(label);
            }
        }
        return new Listing(classes, images, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    static ImportedDataset importFolder(Path root, ImportOptions options) throws IOException {
        Listing listing = list(root);
        PixelArray pixels = new PixelArray(root, listing.images().size());
        for (Path image : listing.images()) {
            String entry = relative(root, image);
            try (InputStream in = Files.newInputStream(image)) {
                pixels.add(ImageDecoding.decodeForImport(in, Files.size(image), pixels, options,
                        problem -> new DatasetImportException(root, entry, problem)), entry);
            }
        }
        String sha256 = Sha256.ofTree(listing.images().stream().map(image -> relative(root, image)).toList(),
                listing.images());
        return new ImportedDataset(pixels.toImageSet(listing.labels(), listing.classes().size()), listing.classes(),
                DatasetFormat.IMAGE_FOLDER, sha256, options.license().orElse(LICENSE));
    }

    static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private static boolean hidden(Path classDir, Path path) {
        for (Path part : classDir.relativize(path)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
