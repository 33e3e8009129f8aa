package dev.emm.core.spec;

/** One problem in an experiment spec, named by its JSON path (for example {@code search.minSize}). */
public record SpecViolation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
