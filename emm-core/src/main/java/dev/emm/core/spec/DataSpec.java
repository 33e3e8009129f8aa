package dev.emm.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The data distribution P: which registered dataset, at what resolution, how many classes, how the
 * labels used for conditioning are formed, and an optional share of a second source mixed in.
 * {@code labelClasses} is the number of random labels for {@link LabelMode#RANDOM} (the paper
 * varies it independently of the number of data classes); it defaults to {@code classes}.
 *
 * <p>{@code selectClasses} names the classes the subset draws from, by index or name (CIFAR-10's
 * {@code ["dog"]}, as the paper's intra-class study trains on dogs alone); class c of the subset is
 * the c-th listed class. Absent, the subset draws from the first {@code classes} classes;
 * {@code classes} defaults to the list's length. {@code resampling} names how images are brought
 * down to {@code resolution} ({@link ResamplingMethod#LANCZOS} by default, as the paper's
 * {@code dataset_tool.py}).
 */
public record DataSpec(
        String dataset,
        Integer resolution,
        Integer classes,
        List<ClassRef> selectClasses,
        LabelMode labelMode,
        Integer labelClasses,
        Long labelSeed,
        ResamplingMethod resampling,
        MixSpec mix) {

    public static final String DEFAULT_DATASET = "mnist";

    /** A spec that sets nothing: every field takes its default. */
    static DataSpec unset() {
        return new DataSpec(null, null, null, null, null, null, null, null, null);
    }

    DataSpec withDefaults() {
        int resolvedClasses = classes != null ? classes
                : selectClasses != null && !selectClasses.isEmpty() ? selectClasses.size() : 10;
        return new DataSpec(
                dataset == null ? DEFAULT_DATASET : dataset,
                resolution == null ? 16 : resolution,
                resolvedClasses,
                selectClasses == null ? null : Collections.unmodifiableList(new ArrayList<>(selectClasses)),
                labelMode == null ? LabelMode.NONE : labelMode,
                labelClasses == null ? resolvedClasses : labelClasses,
                labelSeed == null ? 0L : labelSeed,
                resampling == null ? ResamplingMethod.LANCZOS : resampling,
                mix == null ? null : mix.withDefaults());
    }
}
