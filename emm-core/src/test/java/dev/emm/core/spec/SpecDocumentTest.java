package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import org.junit.jupiter.api.Test;

class SpecDocumentTest {

    private static SpecDocument read(String json) {
        return SpecDocument.read(Json.read(json, JsonNode.class));
    }

    @Test
    void aSpecIsOneValidatedExperimentWithItsPresetAndDefaultsApplied() {
        SpecDocument document = read("""
                {"name": "one", "preset": "small-ddpmpp-mnist", "search": {"minSize": 32}}""");
        assertFalse(document.isSweep());
        assertNull(document.sweep());
        assertEquals("one", document.name());
        assertEquals(32, document.experiment().search().minSize());
        assertEquals(16, document.experiment().model().modelChannels());
        assertEquals(2500, document.experiment().training().duration());
    }

    @Test
    void aSpecWithASweepIsEveryValuesExperiment() {
        SpecDocument document = read("""
                {"name": "width", "preset": "small-ddpmpp-mnist",
                 "sweep": {"factor": "model.modelChannels", "values": [8, 32]}}""");
        assertTrue(document.isSweep());
        assertNull(document.experiment());
        assertEquals("width", document.name());
        assertEquals(8, document.sweep().members().get(0).spec().model().modelChannels());
        assertEquals(32, document.sweep().members().get(1).spec().model().modelChannels());
    }

    @Test
    void anUnknownOrMistypedFieldIsNamed() {
        InvalidSpecException unknown = assertThrows(InvalidSpecException.class,
                () -> read("{\"preset\": \"small-ddpmpp-mnist\", \"trainig\": {}}"));
        assertEquals("trainig", unknown.violations().get(0).field());

        InvalidSpecException mistyped = assertThrows(InvalidSpecException.class,
                () -> read("{\"preset\": \"small-ddpmpp-mnist\", \"training\": {\"duration\": \"long\"}}"));
        assertEquals("training.duration", mistyped.violations().get(0).field());

        InvalidSpecException invalid = assertThrows(InvalidSpecException.class,
                () -> read("{\"preset\": \"small-ddpmpp-mnist\", \"data\": {\"resolution\": -8}}"));
        assertEquals("data.resolution", invalid.violations().get(0).field());
    }
}
