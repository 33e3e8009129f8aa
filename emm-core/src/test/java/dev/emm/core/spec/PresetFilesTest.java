package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The defaults live in the spec records ({@code withDefaults()}), and a preset file lists only what
 * it changes: from those defaults, or from the preset it starts from. So every field a preset file
 * sets must change what the preset resolves to; a field that repeats a default is a second home for
 * that value.
 */
class PresetFilesTest {

    @Test
    void everyFieldAPresetSetsChangesWhatItResolvesTo() throws IOException {
        List<String> repeated = new ArrayList<>();
        for (String name : Presets.NAMES) {
            ObjectNode own = file(name);
            own.remove("about");
            Optional<ExperimentSpec> whole = resolved(own);
            for (List<String> field : leaves(own, List.of())) {
                ObjectNode without = own.deepCopy();
                remove(without, field);
                if (resolved(without).equals(whole)) {
                    repeated.add(name + ": " + String.join(".", field));
                }
            }
        }
        assertEquals(List.of(), repeated, "fields that repeat a default or the base preset's value");
    }

    private static ObjectNode file(String name) throws IOException {
        try (InputStream in = Presets.class.getResourceAsStream("/dev/emm/core/presets/" + name + ".json")) {
            return (ObjectNode) Json.mapper().readTree(in);
        }
    }

    /** The preset file read as a spec (its "preset" names the base), completed; empty when invalid. */
    private static Optional<ExperimentSpec> resolved(ObjectNode spec) {
        try {
            return Optional.of(SpecValidator.validated(Json.readStrict(spec.toString(), ExperimentSpec.class)));
        } catch (InvalidSpecException e) {
            return Optional.empty();
        }
    }

    private static List<List<String>> leaves(JsonNode node, List<String> path) {
        List<List<String>> out = new ArrayList<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            List<String> at = new ArrayList<>(path);
            at.add(field);
            if (node.get(field).isObject() && !node.get(field).isEmpty() && !at.equals(List.of("preset"))) {
                out.addAll(leaves(node.get(field), at));
            } else if (!at.equals(List.of("preset"))) {
                out.add(at);
            }
        }
        return out;
    }

    private static void remove(ObjectNode root, List<String> path) {
        ObjectNode parent = root;
        for (String step : path.subList(0, path.size() - 1)) {
            parent = (ObjectNode) parent.get(step);
        }
        parent.remove(path.get(path.size() - 1));
    }
}
