package dev.emm.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the object store knows about a registered dataset without reading its pixels
 * ({@code datasets/NAME/manifest.json}). {@code sourceSha256} is the hash of the file imported.
 * The orchestrator accepts experiments on the manifest alone ({@link SubsetFeasibility}); whoever
 * reads the images checks them against it ({@link #mismatch}).
 */
public record DatasetManifest(
        String name,
        int layoutVersion,
        int count,
        int channels,
        int height,
        int width,
        int classCount,
        List<Integer> countPerClass,
        List<String> classNames,
        String sourceFormat,
        String sourceSha256,
        String license) {

    /**
     * How {@code images} differ from what this manifest says of them (count, shape, classes and
     * count per class), or empty when they are as described. A manifest that lies about its counts
     * would let the search ask for subsets the images cannot supply, or measure on other data than
     * the one accepted.
     */
    public Optional<String> mismatch(ImageSet images) {
        List<Integer> actualPerClass = Arrays.stream(images.countPerClass()).boxed().toList();
        boolean same = images.size() == count && images.channels() == channels && images.height() == height
                && images.width() == width && images.classCount() == classCount
                && (countPerClass == null || countPerClass.equals(actualPerClass));
        if (same) {
            return Optional.empty();
        }
        return Optional.of("the manifest says " + describe(count, channels, height, width, classCount, countPerClass)
                + ", the images hold " + describe(images.size(), images.channels(), images.height(), images.width(),
                        images.classCount(), actualPerClass));
    }

    private static String describe(int count, int channels, int height, int width, int classes, List<Integer> perClass) {
        String counts;
        if (perClass == null) {
            counts = "no count per class";
        } else if (!perClass.isEmpty() && perClass.stream().distinct().count() == 1) {
            counts = perClass.get(0) + " per class";
        } else {
            counts = "per class " + perClass;
        }
        return count + " images of " + channels + "x" + height + "x" + width + " in " + classes + " classes (" + counts
                + ")";
    }
}
