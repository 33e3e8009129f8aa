package dev.emm.core.data;

import dev.emm.core.data.IntraClassMix.ClassMapping;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.LabelMode;
import dev.emm.core.spec.MixSpec;
import dev.emm.core.spec.ResamplingMethod;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The exact images a run trains on and the metric compares against: C classes (the first C, or
 * those {@code data.selectClasses} names, see {@link ClassSelection}), nested and class-balanced
 * (class c contributes its first ceil((|D| - c) / C) images in source order, so every smaller
 * subset is a prefix-per-class of a larger one), brought to the run's resolution by
 * {@code data.resampling}, with conditioning labels formed by the spec's label mode (with true
 * labels, or none, an image of class c is labelled c, its position in the selection).
 *
 * <p>With a mix ({@code data.mix}, intra-class diversity) class c's share is split by
 * {@link IntraClassMix#secondaryCount}: wanted(c) - int(wanted(c) x (1 - alpha)) images come from
 * the second dataset (its first ones of the class that stands in for c, in its own source order,
 * centre-cropped first with {@code data.mix.centerCrop}) and the rest from the primary (its first
 * ones of class c). Both counts never decrease as
 * |D| grows, so mixed subsets stay nested. The subset lists the primary images first, in the
 * primary's source order, then the secondary images, in the secondary's source order, labelled
 * with the primary class they stand in for; at alpha 0 it equals the unmixed subset. Each part is
 * brought to the resolution on its own, so the two datasets may differ in size (not in channels).
 *
 * @param images   the subset, in source order; its labels are the conditioning labels
 * @param labelDim the number of conditioning classes, 0 for an unconditional model
 */
public record TrainingSubset(ImageSet images, int labelDim) {

    /** Salt of the random labels of secondary images, so they never share a stream with primary ones. */
    private static final long SECONDARY_SALT = 0x5EC0_4DA2_7A11_D00DL;

    /** The subset of an unmixed spec that selects classes by index only; a spec with {@code data.mix} needs the second dataset. */
    public static TrainingSubset materialize(ImageSet source, DataSpec data, int size) {
        if (data.mix() != null) {
            throw new IllegalArgumentException("data.mix takes a share from dataset '" + data.mix().dataset()
                    + "': materialize the subset with the second dataset");
        }
        return build(source, null, null, null, data, size);
    }

    /**
     * The subset of a spec whose mix matches classes by index ({@code data.mix.classMatch} "index",
     * the default). Without {@code data.mix}, {@code secondary} is ignored.
     */
    public static TrainingSubset materialize(ImageSet source, ImageSet secondary, DataSpec data, int size) {
        if (data.mix() != null && data.mix().byName()) {
            throw new IllegalArgumentException("data.mix matches classes by name: materialize the subset with the"
                    + " class mapping built from both datasets' class names");
        }
        return materialize(source, secondary, ClassMapping.byIndex(), data, size);
    }

    /** The subset with {@code secondary}'s classes standing in for the primary's through {@code mapping}. */
    public static TrainingSubset materialize(ImageSet source, ImageSet secondary, ClassMapping mapping, DataSpec data,
            int size) {
        return materialize(source, null, secondary, mapping, data, size);
    }

    /**
     * The subset of any spec: {@code classNames} (the primary's manifest's) resolve classes that
     * {@code data.selectClasses} names; {@code secondary} and {@code mapping} are used only with
     * {@code data.mix}.
     */
    public static TrainingSubset materialize(ImageSet source, List<String> classNames, ImageSet secondary,
            ClassMapping mapping, DataSpec data, int size) {
        if (data.mix() != null && secondary == null) {
            throw new IllegalArgumentException("data.mix takes a share from dataset '" + data.mix().dataset()
                    + "' but no second dataset was given");
        }
        return build(source, classNames, data.mix() == null ? null : secondary, mapping, data, size);
    }

    private static TrainingSubset build(ImageSet source, List<String> classNames, ImageSet secondary,
            ClassMapping mapping, DataSpec data, int size) {
        int[] selected = ClassSelection.resolve(data, classNames, source.classCount());
        int classes = selected.length;
        int[] position = new int[source.classCount()];
        Arrays.fill(position, -1);
        for (int c = 0; c < classes; c++) {
            position[selected[c]] = c;
        }
        int[] wanted = perClassCounts(size, classes);
        int[] fromPrimary = wanted.clone();
        int[] fromSecondary = new int[classes];
        int[] standsFor = null;
        MixSpec mix = data.mix();
        if (secondary != null) {
            standsFor = new int[secondary.classCount()];
            Arrays.fill(standsFor, -1);
            for (int c = 0; c < classes; c++) {
                fromSecondary[c] = IntraClassMix.secondaryCount(wanted[c], mix.alpha());
                fromPrimary[c] = wanted[c] - fromSecondary[c];
                if (mix.alpha() == 0) {
                    continue;
                }
                int s = mapping.secondaryClass(selected[c]);
                if (s < 0 || s >= secondary.classCount()) {
                    throw new IllegalArgumentException("class " + selected[c] + " of dataset '" + data.dataset()
                            + "' maps to class " + s + " of dataset '" + mix.dataset() + "', which has "
                            + secondary.classCount() + " classes");
                }
                if (standsFor[s] >= 0) {
                    throw new IllegalArgumentException("classes " + selected[standsFor[s]] + " and " + selected[c]
                            + " of dataset '" + data.dataset() + "' both map to class " + s + " of dataset '"
                            + mix.dataset() + "'");
                }
                standsFor[s] = c;
            }
        }
        int[] available = source.countPerClass();
        for (int c = 0; c < classes; c++) {
            if (available[selected[c]] < fromPrimary[c]) {
                throw new IllegalArgumentException("dataset '" + data.dataset() + "' has " + available[selected[c]]
                        + " images of class " + selected[c] + " but a subset of " + size + " needs " + fromPrimary[c]);
            }
        }
        if (secondary != null) {
            int[] secondaryAvailable = secondary.countPerClass();
            for (int s = 0; s < standsFor.length; s++) {
                int c = standsFor[s];
                if (c >= 0 && secondaryAvailable[s] < fromSecondary[c]) {
                    throw new IllegalArgumentException("dataset '" + mix.dataset() + "' has " + secondaryAvailable[s]
                            + " images of class " + s + " but a subset of " + size + " with alpha " + mix.alpha()
                            + " needs " + fromSecondary[c] + " of them (for class " + selected[c] + ")");
                }
            }
        }

        int primaryCount = Arrays.stream(fromPrimary).sum();
        int[] sourceIndex = new int[primaryCount];
        int[] sourceClass = new int[primaryCount];
        int[] taken = new int[classes];
        int next = 0;
        for (int i = 0; i < source.size() && next < primaryCount; i++) {
            int c = position[source.label(i)];
            if (c >= 0 && taken[c] < fromPrimary[c]) {
                taken[c]++;
                sourceClass[next] = c;
                sourceIndex[next++] = i;
            }
        }
        int secondaryCount = size - primaryCount;
        int[] secondaryIndex = new int[secondaryCount];
        int[] secondaryStandsFor = new int[secondaryCount];
        if (secondaryCount > 0) {
            int[] takenSecondary = new int[classes];
            next = 0;
            for (int i = 0; i < secondary.size() && next < secondaryCount; i++) {
                int c = standsFor[secondary.label(i)];
                if (c >= 0 && takenSecondary[c] < fromSecondary[c]) {
                    takenSecondary[c]++;
                    secondaryStandsFor[next] = c;
                    secondaryIndex[next++] = i;
                }
            }
        }

        int labelDim = labelDim(data, size);
        int[] primaryLabels = sourceClass;
        int[] secondaryLabels = secondaryStandsFor;
        switch (data.labelMode()) {
            case NONE, TRUE -> {
            }
            case RANDOM -> {
                primaryLabels = randomLabels(sourceIndex, data.labelClasses(), data.labelSeed());
                secondaryLabels = randomLabels(secondaryIndex, data.labelClasses(), data.labelSeed() ^ SECONDARY_SALT);
            }
            case UNIQUE -> {
                int[] unique = uniqueLabels(size);
                primaryLabels = Arrays.copyOfRange(unique, 0, primaryCount);
                secondaryLabels = Arrays.copyOfRange(unique, primaryCount, size);
            }
        }
        int labelCount = Math.max(labelDim, classes);
        // A spec completed before data.resampling existed (an experiment in flight across the upgrade) meant block averaging.
        ResamplingMethod resampling = data.resampling() != null ? data.resampling() : ResamplingMethod.AREA;
        ImageSet primaryPart = Resampling.toResolution(select(source, sourceIndex, primaryLabels, labelCount),
                data.resolution(), resampling);
        if (secondaryCount == 0) {
            return new TrainingSubset(primaryPart, labelDim);
        }
        ImageSet secondaryImages = select(secondary, secondaryIndex, secondaryLabels, labelCount);
        ImageSet secondaryPart = mix.cropsToCenter() ? Resampling.centerCropTo(secondaryImages, data.resolution())
                : Resampling.toResolution(secondaryImages, data.resolution(), resampling);
        if (primaryPart.channels() != secondaryPart.channels()) {
            throw new IllegalArgumentException("dataset '" + data.dataset() + "' has " + primaryPart.channels()
                    + " channel(s) but dataset '" + mix.dataset() + "' has " + secondaryPart.channels()
                    + "; a mix needs both the same");
        }
        return new TrainingSubset(concat(primaryPart, secondaryPart), labelDim);
    }

    private static ImageSet select(ImageSet set, int[] indices, int[] labels, int labelCount) {
        int dimension = set.dimension();
        byte[] pixels = new byte[Math.multiplyExact(indices.length, dimension)];
        for (int j = 0; j < indices.length; j++) {
            System.arraycopy(set.pixels(), indices[j] * dimension, pixels, j * dimension, dimension);
        }
        return new ImageSet(set.channels(), set.height(), set.width(), labelCount, labels, pixels);
    }

    private static ImageSet concat(ImageSet first, ImageSet second) {
        int[] labels = new int[first.size() + second.size()];
        System.arraycopy(first.labels(), 0, labels, 0, first.size());
        System.arraycopy(second.labels(), 0, labels, first.size(), second.size());
        byte[] pixels = Arrays.copyOf(first.pixels(), first.pixels().length + second.pixels().length);
        System.arraycopy(second.pixels(), 0, pixels, first.pixels().length, second.pixels().length);
        return new ImageSet(first.channels(), first.height(), first.width(), first.classCount(), labels, pixels);
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
