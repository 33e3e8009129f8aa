package dev.emm.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a spec cannot be run; carries every violation found, each naming its field. */
public final class InvalidSpecException extends RuntimeException {

    private final transient List<SpecViolation> violations;

    public InvalidSpecException(List<SpecViolation> violations) {
        super("invalid experiment spec: "
                + violations.stream().map(SpecViolation::toString).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<SpecViolation> violations() {
        return violations;
    }

    /** The first offending field, for callers that report a single one. */
    public String field() {
        return violations.get(0).field();
    }
}
