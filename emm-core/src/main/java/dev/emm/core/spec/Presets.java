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
 * Named starting points for a spec (resources under {@code dev/emm/core/presets/}). A preset file
 * carries a one-line {@code about} and may itself start from another preset (each study of the
 * paper is its default setup with one factor changed, so it names {@code paper-ddpmpp-vp} and lists
 * only what its study changes). A spec that
 * names a preset gets the preset's value for every field it leaves out, field by field, so
 * {@code {"preset": "paper-ddpmpp-vp", "search": {"maxSize": 4000}}} changes one field only. A field
 * that is one of several ways to say the same thing (a warm-up in images or in epochs) replaces the
 * preset's other ways, so {@code {"training": {"warmupImages": 0}}} overrides a preset's warmupEpochs.
 *
 * <p>A preset file holds no defaults: what it leaves out comes from the preset it starts from, then
 * from the spec records' {@code withDefaults()}, so each of its fields changes the result
 * ({@code PresetFilesTest}).
 */
public final class Presets {

    public static final List<String> NAMES = List.of(
            "paper-ddpmpp-vp",
            "paper-data-dimension",
            "paper-inter-diversity",
            "paper-intra-diversity",
            "paper-model-width",
            "paper-model-depth",
            "paper-time-embedding",
            "paper-skip-connections",
            "paper-skip-connections-ncsnpp",
            "paper-batch-size",
            "paper-learning-rate",
            "paper-weight-decay",
            "paper-ema",
            "paper-labels-true",
            "paper-labels-random",
            "paper-labels-unique",
            "paper-unique-labels-edm",
            "small-ddpmpp-mnist",
            "optimum-mnist");

    private static final String ABOUT = "about";
    private static final String PRESET = "preset";
    /** Presets start from presets; a longer chain than this is a mistake in the resources. */
    private static final int MAX_CHAIN = 4;

    /** Fields of one object that exclude each other: setting one drops the preset's others. */
    private static final List<List<String>> ALTERNATIVES = List.of(
            List.of("warmupImages", "warmupEpochs"),
            List.of("emaHalfLifeImages", "emaHalfLifeEpochs", "emaDecay"));

    private Presets() {
    }

    /** The preset's fields, with the presets it starts from merged in, without its {@code about}. */
    public static Optional<JsonNode> find(String name) {
        return NAMES.contains(name) ? Optional.of(expand(name, 0)) : Optional.empty();
    }

    /** The preset's one-line description, as {@code ./emm presets} lists it. */
    public static String about(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown preset " + name);
        }
        return read(name).path(ABOUT).asText();
    }

    private static ObjectNode expand(String name, int depth) {
        if (depth > MAX_CHAIN) {
            throw new IllegalStateException("preset " + name + " starts from a chain longer than " + MAX_CHAIN);
        }
        ObjectNode own = read(name);
        own.remove(ABOUT);
        JsonNode base = own.remove(PRESET);
        if (base == null) {
            return own;
        }
        ObjectNode merged = expand(base.asText(), depth + 1);
        overlay(merged, own);
        return merged;
    }

    private static ObjectNode read(String name) {
        try (InputStream in = Presets.class.getResourceAsStream("/dev/emm/core/presets/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("preset " + name + " is listed but has no resource");
            }
            return (ObjectNode) Json.mapper().readTree(in);
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
