package dev.emm.core.spec;

import java.util.Map;

/**
 * Intra-class diversity: a share {@code alpha} of every class comes from a second dataset.
 *
 * <p>Which class of the second dataset stands in for a class of the first: with
 * {@code classMatch} {@code "index"} (the default when {@code classMap} is absent) class c of the
 * first dataset takes images of class c of the second; with {@code "name"} (the default when
 * {@code classMap} is given) it takes the second dataset's class of the same name, or of the name
 * {@code classMap} gives for it ({@code {"dog": "n02084071"}}). Mapped classes must be distinct.
 */
public record MixSpec(String dataset, Double alpha, String classMatch, Map<String, String> classMap) {

    public static final String BY_INDEX = "index";
    public static final String BY_NAME = "name";

    MixSpec withDefaults() {
        return new MixSpec(dataset, alpha,
                classMatch == null ? (classMap == null ? BY_INDEX : BY_NAME) : classMatch,
                classMap == null ? Map.of() : classMap);
    }

    /** True when classes are matched by name (after {@link #withDefaults()}). */
    public boolean byName() {
        return BY_NAME.equals(classMatch) || (classMatch == null && classMap != null);
    }
}
