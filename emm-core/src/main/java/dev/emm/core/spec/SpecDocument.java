package dev.emm.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.util.List;

/**
 * A spec document read strictly and validated: one experiment, or, when it names a {@code sweep},
 * every value's experiment. The orchestrator (the authority) and the CLI's early check both read
 * specs here, so the two cannot disagree on what a valid spec is.
 *
 * @param experiment the validated spec; null for a sweep
 * @param sweep      the expanded sweep; null for one experiment
 */
public record SpecDocument(ExperimentSpec experiment, SweepExpansion.Expanded sweep) {

    /**
     * @param spec the spec's JSON (not an envelope around it)
     * @throws InvalidSpecException naming every offending field
     */
    public static SpecDocument read(JsonNode spec) {
        if (SweepExpansion.isSweep(spec)) {
            return new SpecDocument(null, SweepExpansion.expand(spec));
        }
        return new SpecDocument(SpecValidator.validated(readStrict(spec)), null);
    }

    public boolean isSweep() {
        return sweep != null;
    }

    /** The experiment's name, or the sweep's (its base spec's). */
    public String name() {
        return isSweep() ? sweep.name() : experiment.name();
    }

    /** The spec as written, defaults not applied; an unknown or mistyped field names itself. */
    static ExperimentSpec readStrict(JsonNode spec) {
        try {
            return Json.readStrict(Json.toBytes(spec), ExperimentSpec.class);
        } catch (Json.MalformedJsonException e) {
            throw new InvalidSpecException(List.of(new SpecViolation(e.field(), e.detail())));
        }
    }
}
