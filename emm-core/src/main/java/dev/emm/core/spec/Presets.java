package dev.emm.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named starting points for a spec (resources under {@code dev/emm/core/presets/}). A spec that
 * names a preset gets the preset's value for every field it leaves out, field by field, so
 * {@code {"preset": "paper-ddpmpp-vp", "search": {"maxSize": 4000}}} changes one field only. A field
 * that is one of several ways to say the same thing (a warm-up in images or in epochs) replaces the
 * preset's other ways, so {@code {"training": {"warmupImages": 0}}} overrides a preset's warmupEpochs.
 */
public final class Presets {

    public static final List<String> NAMES = List.of("paper-ddpmpp-vp", "small-ddpmpp-mnist", "optimum-mnist");

    /** Fields of one object that exclude each other: setting one drops the preset's others. */
    private static final List<List<String>> ALTERNATIVES = List.of(
            List.of("warmupImages", "warmupEpochs"),
            List.of("emaHalfLifeImages", "emaHalfLifeEpochs", "emaDecay"));

    private Presets() {
    }

    public static Optional<JsonNode> find(String name) {
        if (!NAMES.contains(name)) {
            return Optional.empty();
        }
        try (InputStream in = Presets.class.getResourceAsStream("/dev/emm/core/presets/" + name + ".json")) {
            return Optional.of(Json.mapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read preset " + name, e);
        }
    }

    /** The spec with its preset's values under every field it leaves null; unchanged without a preset. */
    static ExperimentSpec resolve(ExperimentSpec spec) {
        if (spec.preset() == null) {
            return spec;
        }
        JsonNode preset = find(spec.preset()).orElseThrow(() -> new InvalidSpecException(List.of(new SpecViolation(
                "preset", "unknown preset '" + spec.preset() + "', expected one of " + NAMES))));
        ObjectNode merged = preset.deepCopy();
        overlay(merged, Json.mapper().valueToTree(spec));
        return Json.mapper().convertValue(merged, ExperimentSpec.class);
    }

    private static void overlay(ObjectNode base, JsonNode top) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = top.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            for (List<String> group : ALTERNATIVES) {
                if (group.contains(field.getKey())) {
                    group.stream().filter(other -> !other.equals(field.getKey())).forEach(base::remove);
                }
            }
            JsonNode existing = base.get(field.getKey());
            if (value.isObject() && existing != null && existing.isObject()) {
                overlay((ObjectNode) existing, value);
            } else {
                base.set(field.getKey(), value);
            }
        }
    }
}
