package dev.emm.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The {@code sweep} part of a spec document: one factor, named by its JSON path into the spec's
 * {@code data}, {@code model} or {@code training} section (such as {@code data.resolution}), and the
 * values it takes, each a JSON value as the field itself would be written. {@link SweepExpansion}
 * turns the document into one experiment spec per value.
 */
public record SweepSpec(String factor, List<JsonNode> values) {
}
