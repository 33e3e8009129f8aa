package dev.emm.core.spec;

/**
 * The data distribution P: which registered dataset, at what resolution, how many classes, how the
 * labels used for conditioning are formed, and an optional share of a second source mixed in.
 * {@code labelClasses} is the number of random labels for {@link LabelMode#RANDOM} (the paper
 * varies it independently of the number of data classes); it defaults to {@code classes}.
 */
public record DataSpec(
        String dataset,
        Integer resolution,
        Integer classes,
        LabelMode labelMode,
        Integer labelClasses,
        Long labelSeed,
        MixSpec mix) {

    public static final String DEFAULT_DATASET = "mnist";

    DataSpec withDefaults() {
        return new DataSpec(
                dataset == null ? DEFAULT_DATASET : dataset,
                resolution == null ? 16 : resolution,
                classes == null ? 10 : classes,
                labelMode == null ? LabelMode.NONE : labelMode,
                labelClasses == null ? (classes == null ? 10 : classes) : labelClasses,
                labelSeed == null ? 0L : labelSeed,
                mix == null ? null : mix.withDefaults());
    }
}
