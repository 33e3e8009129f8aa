package dev.emm.core.data;

import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.LabelMode;
import java.util.SplittableRandom;

/**
 * The exact images a run trains on and the metric compares against: the first {@code C} classes,
 * nested and class-balanced (class c contributes its first ceil((|D| - c) / C) images in source
 * order, so every smaller subset is a prefix-per-class of a larger one), brought to the run's
 * resolution, with conditioning labels formed by the spec's label mode.
 *
 * @param images   the subset, in source order; its labels are the conditioning labels
 * @param labelDim the number of conditioning classes, 0 for an unconditional model
 */
public record TrainingSubset(ImageSet images, int labelDim) {

    public static TrainingSubset materialize(ImageSet source, DataSpec data, int size) {
        int classes = data.classes();
        if (classes > source.classCount()) {
            throw new IllegalArgumentException("data.classes is " + classes + " but dataset '" + data.dataset()
                    + "' has " + source.classCount() + " classes");
        }
        int[] wanted = perClassCounts(size, classes);
        int[] available = source.countPerClass();
        for (int c = 0; c < classes; c++) {
            if (available[c] < wanted[c]) {
                throw new IllegalArgumentException("dataset '" + data.dataset() + "' has " + available[c]
                        + " images of class " + c + " but a subset of " + size + " needs " + wanted[c]);
            }
        }
        int dimension = source.dimension();
        byte[] pixels = new byte[size * dimension];
        int[] sourceIndex = new int[size];
        int[] taken = new int[classes];
        int next = 0;
        for (int i = 0; i < source.size() && next < size; i++) {
            int label = source.label(i);
            if (label < classes && taken[label] < wanted[label]) {
                taken[label]++;
                System.arraycopy(source.pixels(), i * dimension, pixels, next * dimension, dimension);
                sourceIndex[next++] = i;
            }
        }
        int[] trueLabels = new int[size];
        for (int j = 0; j < size; j++) {
            trueLabels[j] = source.label(sourceIndex[j]);
        }
        LabelMode mode = data.labelMode();
        int labelDim = labelDim(data, size);
        int[] labels = switch (mode) {
            case NONE, TRUE -> trueLabels;
            case RANDOM -> randomLabels(sourceIndex, data.labelClasses(), data.labelSeed());
            case UNIQUE -> uniqueLabels(size);
        };
        ImageSet subset = new ImageSet(source.channels(), source.height(), source.width(),
                Math.max(labelDim, classes), labels, pixels);
        return new TrainingSubset(Resampling.toResolution(subset, data.resolution()), labelDim);
    }

    /** The number of conditioning classes of a run of {@code size} images; 0 when unconditional. */
    public static int labelDim(DataSpec data, int size) {
        return switch (data.labelMode()) {
            case NONE -> 0;
            case TRUE -> data.classes();
            case RANDOM -> data.labelClasses();
            case UNIQUE -> size;
        };
    }

    /** Class c gets ceil((size - c) / classes) images: balanced, and monotone in size for every c. */
    public static int[] perClassCounts(int size, int classes) {
        int[] counts = new int[classes];
        for (int c = 0; c < classes; c++) {
            counts[c] = Math.max(0, (size - c + classes - 1) / classes);
        }
        return counts;
    }

    /**
     * A random label is a function of the seed and the image's source index alone, so an image
     * keeps its label in every nested subset.
     */
    private static int[] randomLabels(int[] sourceIndex, int labelClasses, long seed) {
        int[] labels = new int[sourceIndex.length];
        for (int j = 0; j < sourceIndex.length; j++) {
            labels[j] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + sourceIndex[j]).nextInt(labelClasses);
        }
        return labels;
    }

    private static int[] uniqueLabels(int size) {
        int[] labels = new int[size];
        for (int j = 0; j < size; j++) {
            labels[j] = j;
        }
        return labels;
    }
}
