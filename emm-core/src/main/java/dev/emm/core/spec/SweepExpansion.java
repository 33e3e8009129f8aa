package dev.emm.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Expands a spec document with a {@code sweep} into one validated experiment spec per value: the
 * document without its sweep, the factor set to the value, the name suffixed with
 * {@code [factor=value]}.
 *
 * <p>The value is written into the document as the user gave it, before the preset and the defaults
 * are applied, so it overrides a preset's value and every default that follows from it follows the
 * value too (a resolution of 8 moves the default attention resolution with it, as the paper's runs
 * do). The document without its sweep must itself be a valid spec: its problems are named by their
 * own field; a problem that only a value brings is named {@code sweep.values[i]}, with the field
 * it makes invalid in the message.
 */
public final class SweepExpansion {

    /** One sweep runs one EMM search per value; more than this is a grid, not a sweep. */
    public static final int MAX_VALUES = 16;
    static final List<String> SECTIONS = List.of("data", "model", "training");
    private static final String SWEEP = "sweep";

    private SweepExpansion() {
    }

    /** One value of a sweep and the complete, validated spec that runs it. */
    public record Member(JsonNode value, ExperimentSpec spec) {
    }

    /** A sweep: its name (the base spec's), its factor, and one member per value, in the values' order. */
    public record Expanded(String name, String factor, List<Member> members) {
    }

    /** True when the spec document names a sweep. */
    public static boolean isSweep(JsonNode document) {
        return document != null && document.isObject() && document.has(SWEEP);
    }

    /**
     * @param document a spec document (a JSON object) with a {@code sweep} field
     * @throws InvalidSpecException naming every problem: of the sweep ({@code sweep.factor},
     *                              {@code sweep.values}), of the spec without its sweep (its own
     *                              fields), or of a value ({@code sweep.values[i]})
     */
    public static Expanded expand(JsonNode document) {
        ObjectNode base = ((ObjectNode) document).deepCopy();
        SweepSpec sweep = readSweep(base.remove(SWEEP));
        ExperimentSpec baseSpec = SpecValidator.validated(SpecDocument.readStrict(base));
        List<SpecViolation> violations = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < sweep.values().size(); i++) {
            JsonNode value = sweep.values().get(i);
            String field = "sweep.values[" + i + "]";
            ObjectNode member = base.deepCopy();
            set(member, sweep.factor(), value);
            member.put("name", baseSpec.name() + " [" + sweep.factor() + "=" + Json.toString(value) + "]");
            try {
                members.add(new Member(value, SpecValidator.validated(SpecDocument.readStrict(member))));
            } catch (InvalidSpecException e) {
                e.violations().forEach(v -> violations.add(new SpecViolation(field,
                        sweep.factor() + " = " + Json.toString(value) + " makes " + v.field() + " invalid: "
                                + v.message())));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidSpecException(violations);
        }
        return new Expanded(baseSpec.name(), sweep.factor(), List.copyOf(members));
    }

    private static SweepSpec readSweep(JsonNode node) {
        SweepSpec sweep;
        try {
            sweep = Json.readStrict(Json.toBytes(node), SweepSpec.class);
        } catch (Json.MalformedJsonException e) {
            throw invalid(e.field().equals("$") ? SWEEP : SWEEP + "." + e.field(), e.detail());
        }
        if (sweep == null) {
            throw invalid(SWEEP, "must be an object {\"factor\": \"data.resolution\", \"values\": [8, 16]}");
        }
        if (sweep.factor() == null) {
            throw invalid("sweep.factor", "is required: the JSON path of one field of data, model or training,"
                    + " such as data.resolution");
        }
        Optional<String> unknown = unknownPath(sweep.factor());
        if (unknown.isPresent()) {
            throw invalid("sweep.factor", unknown.get());
        }
        List<JsonNode> values = sweep.values();
        if (values == null || values.isEmpty() || values.size() > MAX_VALUES) {
            throw invalid("sweep.values", "must list 1 to " + MAX_VALUES + " values, got "
                    + (values == null ? "none" : values.size()));
        }
        Set<JsonNode> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isNull()) {
                throw invalid("sweep.values[" + i + "]", "must be a value of " + sweep.factor() + ", got null");
            }
            if (!seen.add(values.get(i))) {
                throw invalid("sweep.values[" + i + "]", "repeats the value " + Json.toString(values.get(i)));
            }
        }
        return sweep;
    }

    /** Why {@code factor} names no field of a spec's data, model or training section; empty when it does. */
    static Optional<String> unknownPath(String factor) {
        String[] segments = factor.split("\\.", -1);
        String expected = "must name a field of " + SECTIONS + " by its JSON path, such as data.resolution or"
                + " model.modelChannels, got '" + factor + "'";
        if (segments.length < 2 || !SECTIONS.contains(segments[0])) {
            return Optional.of(expected);
        }
        Class<?> type = ExperimentSpec.class;
        for (String segment : segments) {
            Optional<RecordComponent> component = type.isRecord()
                    ? Arrays.stream(type.getRecordComponents()).filter(c -> c.getName().equals(segment)).findFirst()
                    : Optional.empty();
            if (component.isEmpty()) {
                return Optional.of(expected + " ('" + segment + "' is not a field there)");
            }
            type = component.get().getType();
        }
        return Optional.empty();
    }

    private static void set(ObjectNode document, String path, JsonNode value) {
        String[] segments = path.split("\\.");
        ObjectNode node = document;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode child = node.get(segments[i]);
            node = child instanceof ObjectNode object ? object : node.putObject(segments[i]);
        }
        node.set(segments[segments.length - 1], value.deepCopy());
    }

    private static InvalidSpecException invalid(String field, String message) {
        return new InvalidSpecException(List.of(new SpecViolation(field, message)));
    }
}
