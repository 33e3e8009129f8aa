package dev.emm.core.data;

import dev.emm.core.spec.MixSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Intra-class diversity (the paper's mixture of a second source into each class): for a
 * class-balanced subset of {@code perClass} images in each of the first C classes, a share alpha
 * of every class comes from a secondary dataset with the same class semantics.
 *
 * <p>The rule is the paper's ({@code intra_diversity.py}: {@code cifar10_num = int(max_idx * (1 -
 * inter_rate))}, the rest from ImageNet), applied to each class: a class of perClass images takes
 * {@code int(perClass * (1 - alpha))} from the primary, computed in double arithmetic and truncated
 * exactly as Python computes it (so 1000 images at alpha 0.9 take 99 from the primary, since
 * 1 - 0.9 is 0.09999999999999998), and the rest, k, from the secondary. From each source a class
 * takes its first images in that source's order, so subsets stay nested as perClass grows at a
 * fixed alpha (k and perClass - k never decrease). Pure functions: nothing here reads or writes a
 * store.
 */
public final class IntraClassMix {

    private IntraClassMix() {
    }

    /** How a primary class index maps to the secondary's class of the same meaning. */
    @FunctionalInterface
    public interface ClassMapping {
        /** The secondary's class for {@code primaryClass}; throws when it has none. */
        int secondaryClass(int primaryClass);

        /** The same index in both datasets. */
        static ClassMapping byIndex() {
            return primaryClass -> primaryClass;
        }

        /** Classes with equal names (exact match); a primary class whose name the secondary lacks has no mapping. */
        static ClassMapping byName(List<String> primaryNames, List<String> secondaryNames) {
            Map<String, Integer> secondaryIndex = new HashMap<>();
            for (int i = 0; i < secondaryNames.size(); i++) {
                if (secondaryIndex.putIfAbsent(secondaryNames.get(i), i) != null) {
                    throw new IllegalArgumentException("the secondary dataset names two classes '"
                            + secondaryNames.get(i) + "'");
                }
            }
            return byName(primaryNames, secondaryNames, Map.of());
        }

        /**
         * Primary class names mapped to secondary class names through {@code renames} (a primary
         * name absent from it maps to the equal secondary name).
         */
        static ClassMapping byName(List<String> primaryNames, List<String> secondaryNames, Map<String, String> renames) {
            List<String> primary = List.copyOf(primaryNames);
            List<String> secondary = List.copyOf(secondaryNames);
            Map<String, String> table = Map.copyOf(renames);
            return primaryClass -> {
                if (primaryClass < 0 || primaryClass >= primary.size()) {
                    throw new IllegalArgumentException("primary class " + primaryClass + " has no name");
                }
                String name = primary.get(primaryClass);
                String wanted = table.getOrDefault(name, name);
                int index = secondary.indexOf(wanted);
                if (index < 0) {
                    throw new IllegalArgumentException("primary class " + primaryClass + " '" + name
                            + "' has no class '" + wanted + "' in the secondary dataset (its classes: " + secondary + ")");
                }
                return index;
            };
        }
    }

    /**
     * The mapping a spec's mix asks for: by index, or by class name (through {@code classMap})
     * when {@code mix.classMatch()} is {@code "name"}. Class names come from the two datasets'
     * manifests.
     */
    public static ClassMapping mapping(MixSpec mix, List<String> primaryNames, List<String> secondaryNames) {
        if (!mix.byName()) {
            return ClassMapping.byIndex();
        }
        return ClassMapping.byName(primaryNames, secondaryNames, mix.classMap() == null ? Map.of() : mix.classMap());
    }

    /** The counts of one class: {@code fromPrimary + fromSecondary == perClass}. */
    public record Counts(int perClass, double alpha, int fromPrimary, int fromSecondary) {
    }

    /** What one class of the mixed subset is made of: indices into each source, in source order. */
    public record ClassPlan(int primaryClass, int secondaryClass, int[] primaryIndices, int[] secondaryIndices) {
    }

    /** The whole mixed subset: C classes of {@code counts.perClass()} images each. */
    public record Plan(Counts counts, List<ClassPlan> classes) {
        public int size() {
            return counts.perClass() * classes.size();
        }

        public int totalFromPrimary() {
            return counts.fromPrimary() * classes.size();
        }

        public int totalFromSecondary() {
            return counts.fromSecondary() * classes.size();
        }
    }

    /** {@code perClass - int(perClass * (1 - alpha))} in double arithmetic, for alpha in [0, 1]: the paper's split. */
    public static int secondaryCount(int perClass, double alpha) {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass must be >= 0, was " + perClass);
        }
        if (!(alpha >= 0.0 && alpha <= 1.0)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], was " + alpha);
        }
        return perClass - (int) (perClass * (1 - alpha));
    }

    public static Counts counts(int perClass, double alpha) {
        int k = secondaryCount(perClass, alpha);
        return new Counts(perClass, alpha, perClass - k, k);
    }

    /**
     * Plans the mixed subset of the first {@code classes} primary classes: for each class c, the
     * first {@code perClass - k} images of class c in the primary and the first k images of class
     * {@code mapping.secondaryClass(c)} in the secondary, each in its own source order.
     *
     * @throws IllegalArgumentException naming the class and counts when a source has too few images
     */
    public static Plan plan(ImageSet primary, ImageSet secondary, ClassMapping mapping, int classes, int perClass,
            double alpha) {
        Counts counts = counts(perClass, alpha);
        if (classes < 1 || classes > primary.classCount()) {
            throw new IllegalArgumentException("classes must be in 1.." + primary.classCount() + ", was " + classes);
        }
        List<ClassPlan> plans = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            int s = counts.fromSecondary() == 0 ? -1 : mapping.secondaryClass(c);
            if (counts.fromSecondary() > 0 && (s < 0 || s >= secondary.classCount())) {
                throw new IllegalArgumentException("primary class " + c + " maps to secondary class " + s
                        + ", outside 0.." + (secondary.classCount() - 1));
            }
            int[] fromPrimary = firstOfClass(primary, c, counts.fromPrimary(), "primary");
            int[] fromSecondary = counts.fromSecondary() == 0 ? new int[0]
                    : firstOfClass(secondary, s, counts.fromSecondary(), "secondary");
            plans.add(new ClassPlan(c, s, fromPrimary, fromSecondary));
        }
        return new Plan(counts, List.copyOf(plans));
    }

    /**
     * The planned images as one set, class by class (class 0 first), each class its primary images
     * then its secondary images; labels are the primary class indices. Both sources must have the
     * same image shape (apply resolution transforms first).
     */
    public static ImageSet apply(ImageSet primary, ImageSet secondary, Plan plan) {
        if (counts(plan.counts().perClass(), plan.counts().alpha()).fromSecondary() > 0
                && (primary.channels() != secondary.channels() || primary.height() != secondary.height()
                        || primary.width() != secondary.width())) {
            throw new IllegalArgumentException("primary images are " + primary.channels() + "x" + primary.height() + "x"
                    + primary.width() + " but secondary images are " + secondary.channels() + "x" + secondary.height()
                    + "x" + secondary.width());
        }
        int d = primary.dimension();
        int[] labels = new int[plan.size()];
        byte[] pixels = new byte[Math.multiplyExact(plan.size(), d)];
        int at = 0;
        for (ClassPlan classPlan : plan.classes()) {
            for (int index : classPlan.primaryIndices()) {
                System.arraycopy(primary.pixels(), index * d, pixels, at * d, d);
                labels[at++] = classPlan.primaryClass();
            }
            for (int index : classPlan.secondaryIndices()) {
                System.arraycopy(secondary.pixels(), index * d, pixels, at * d, d);
                labels[at++] = classPlan.primaryClass();
            }
        }
        return new ImageSet(primary.channels(), primary.height(), primary.width(), plan.classes().size(), labels,
                pixels);
    }

    private static int[] firstOfClass(ImageSet set, int label, int count, String source) {
        int[] indices = new int[count];
        int found = 0;
        for (int i = 0; i < set.size() && found < count; i++) {
            if (set.label(i) == label) {
                indices[found++] = i;
            }
        }
        if (found < count) {
            throw new IllegalArgumentException("the " + source + " dataset has " + set.countPerClass()[label]
                    + " images of class " + label + ", fewer than the " + count + " the mix needs");
        }
        return indices;
    }
}
