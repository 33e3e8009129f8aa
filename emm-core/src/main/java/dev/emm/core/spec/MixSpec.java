package dev.emm.core.spec;

import java.util.Map;

/**
 * Intra-class diversity: a share {@code alpha} of every class comes from a second dataset. As the
 * paper's {@code intra_diversity.py}, a class of n images takes {@code int(n (1 - alpha))} (double
 * arithmetic, truncated) from the first dataset and the rest from the second.
 *
 * <p>Which class of the second dataset stands in for a class of the first is {@code classMatch}
 * ({@link ClassMatch#INDEX} by default, {@link ClassMatch#NAME} when {@code classMap} is given); by name
 * it is the second dataset's class of the same name, or of the name {@code classMap} gives for it
 * ({@code {"dog": "n02084071"}}). Mapped classes must be distinct.
 * {@code centerCrop} (default false) crops each image of the second dataset to its central square
 * and LANCZOS-resizes it to {@code data.resolution}, as the paper prepares its ImageNet dogs.
 */
public record MixSpec(String dataset, Double alpha, ClassMatch classMatch, Map<String, String> classMap,
        Boolean centerCrop) {

    /** A mix whose second dataset is resampled like the first. */
    public MixSpec(String dataset, Double alpha, ClassMatch classMatch, Map<String, String> classMap) {
        this(dataset, alpha, classMatch, classMap, null);
    }

    MixSpec withDefaults() {
        return new MixSpec(dataset, alpha,
                classMatch == null ? (classMap == null ? ClassMatch.INDEX : ClassMatch.NAME) : classMatch,
                classMap == null ? Map.of() : classMap,
                centerCrop != null && centerCrop);
    }

    /** True when classes are matched by name (after {@link #withDefaults()}). */
    public boolean byName() {
        return classMatch == ClassMatch.NAME || (classMatch == null && classMap != null);
    }

    /** True when the second dataset's images are centre-cropped (after {@link #withDefaults()}). */
    public boolean cropsToCenter() {
        return Boolean.TRUE.equals(centerCrop);
    }
}
