package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.training.TrainingSchedule;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Every preset resolves to the values recorded in {@code resolved-presets.json}: the spec with each
 * default filled in and, for a network, its training schedule at {@code search.minSize}, as
 * {@code ./emm spec show PRESET} prints them. Defaults live in the spec records and a preset lists
 * only what it changes, so moving a value between the two must leave this record as it is.
 */
class ResolvedPresetsTest {

    static ObjectNode shown(String preset) {
        ExperimentSpec complete = SpecValidator.validated(Json.readStrict("{\"preset\": \"" + preset + "\"}",
                ExperimentSpec.class));
        int size = complete.search().minSize();
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("spec", Json.mapper().valueToTree(complete));
        out.put("size", size);
        if (complete.model().isOptimum()) {
            out.putNull("schedule");
        } else {
            out.set("schedule", Json.mapper().valueToTree(TrainingSchedule.of(complete.training(), size).summary()));
        }
        return out;
    }

    @Test
    void everyPresetResolvesAsRecorded() throws IOException {
        JsonNode recorded;
        try (InputStream in = ResolvedPresetsTest.class.getResourceAsStream("resolved-presets.json")) {
            recorded = Json.mapper().readTree(in);
        }
        assertEquals(Presets.NAMES.size(), recorded.size(), "one record per preset");
        for (String name : Presets.NAMES) {
            assertEquals(Json.toPrettyString(recorded.get(name)), Json.toPrettyString(shown(name)), name);
        }
    }
}
