package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepExpansionTest {

    private static JsonNode document(String json) {
        return Json.read(json, JsonNode.class);
    }

    private static SweepExpansion.Expanded expand(String json) {
        return SweepExpansion.expand(document(json));
    }

    private static InvalidSpecException refused(String json) {
        return assertThrows(InvalidSpecException.class, () -> expand(json));
    }

    @Test
    void aResolutionSweepGivesOneValidatedSpecPerValueWithTheFactorReplacedAndTheNameSuffixed() {
        SweepExpansion.Expanded sweep = expand("""
                {"name": "res", "model": {"kind": "optimum"}, "search": {"minSize": 10, "maxSize": 40},
                 "sweep": {"factor": "data.resolution", "values": [8, 16]}}
                """);
        assertEquals("res", sweep.name());
        assertEquals("data.resolution", sweep.factor());
        assertEquals(2, sweep.members().size());
        assertEquals(8, sweep.members().get(0).spec().data().resolution());
        assertEquals(16, sweep.members().get(1).spec().data().resolution());
        assertEquals("res [data.resolution=8]", sweep.members().get(0).spec().name());
        assertEquals("res [data.resolution=16]", sweep.members().get(1).spec().name());
        assertEquals(8, sweep.members().get(0).value().asInt());
        // everything else is the base spec's, completed as a single spec would be
        for (SweepExpansion.Member member : sweep.members()) {
            assertEquals(40, member.spec().search().maxSize());
            assertTrue(member.spec().model().isOptimum());
        }
    }

    @Test
    void theValueGoesInBeforeDefaultsSoDerivedDefaultsFollowIt() {
        // attention defaults to the network's second level: 16 at 32x32, 4 at 8x8 (the paper's runs)
        SweepExpansion.Expanded sweep = expand("""
                {"sweep": {"factor": "data.resolution", "values": [32, 8]}}
                """);
        assertEquals(List.of(16), sweep.members().get(0).spec().model().attnResolutions());
        assertEquals(List.of(4), sweep.members().get(1).spec().model().attnResolutions());
    }

    @Test
    void theValueOverridesThePresetsAndDropsItsAlternativeForms() {
        SweepExpansion.Expanded sweep = expand("""
                {"preset": "paper-ddpmpp-vp", "sweep": {"factor": "training.warmupImages", "values": [0, 1000]}}
                """);
        assertEquals(0L, sweep.members().get(0).spec().training().warmupImages().longValue());
        assertEquals(1000L, sweep.members().get(1).spec().training().warmupImages().longValue());
        // the preset gives warmupEpochs; a value in images replaces it, as for a single spec
        assertEquals(null, sweep.members().get(0).spec().training().warmupEpochs());
        assertEquals("paper-ddpmpp-vp", sweep.members().get(0).spec().preset());
    }

    @Test
    void objectAndArrayValuesAndMissingIntermediateObjectsWork() {
        SweepExpansion.Expanded sweep = expand("""
                {"model": {"channelMult": [1, 2], "numBlocks": 1},
                 "sweep": {"factor": "model.skipConnections", "values": [[true, true, true, true], [false, true, true, true]]}}
                """);
        assertEquals(List.of(false, true, true, true), sweep.members().get(1).spec().model().skipConnections());
        SweepExpansion.Expanded mix = expand("""
                {"sweep": {"factor": "data.mix", "values": [{"dataset": "b", "alpha": 0.1}, {"dataset": "b", "alpha": 0.5}]}}
                """);
        assertEquals(0.5, mix.members().get(1).spec().data().mix().alpha());
    }

    @Test
    void aBadValueIsNamedBySweepValuesIndexWithTheFieldItBreaks() {
        InvalidSpecException e = refused("""
                {"sweep": {"factor": "data.resolution", "values": [8, 12, "16"]}}
                """);
        assertEquals(List.of("sweep.values[1]", "sweep.values[2]"), e.violations().stream().map(SpecViolation::field).toList());
        assertTrue(e.violations().get(0).message().startsWith("data.resolution = 12 makes data.resolution invalid: "
                + "must be a power of two"), e.violations().get(0).message());
        assertTrue(e.violations().get(1).message().startsWith("data.resolution = \"16\" makes data.resolution invalid"),
                e.violations().get(1).message());
    }

    @Test
    void aValueThatBreaksAnotherFieldNamesThatField() {
        InvalidSpecException e = refused("""
                {"data": {"resolution": 16}, "model": {"attnResolutions": [4]},
                 "sweep": {"factor": "data.resolution", "values": [16, 32]}}
                """);
        assertEquals("sweep.values[1]", e.field());
        assertTrue(e.violations().get(0).message().startsWith("data.resolution = 32 makes model.attnResolutions invalid"),
                e.violations().get(0).message());
    }

    @Test
    void theSpecWithoutItsSweepMustBeValidAndNamesItsOwnFields() {
        InvalidSpecException e = refused("""
                {"search": {"eps": 2}, "sweep": {"factor": "data.resolution", "values": [8, 16]}}
                """);
        assertEquals(List.of("search.eps"), e.violations().stream().map(SpecViolation::field).toList());
    }

    @Test
    void anUnknownOrOutOfScopePathIsNamedSweepFactor() {
        for (String factor : List.of("data.resolutoin", "search.eps", "name", "data", "model.channelMult.x", "",
                "data..resolution")) {
            InvalidSpecException e = refused("""
                    {"sweep": {"factor": "%s", "values": [1]}}
                    """.formatted(factor));
            assertEquals("sweep.factor", e.field(), factor);
        }
        assertEquals("sweep.factor", refused("{\"sweep\": {\"values\": [1]}}").field());
    }

    @Test
    void valuesAreBoundedNonEmptyAndDistinct() {
        assertEquals("sweep.values", refused("{\"sweep\": {\"factor\": \"data.resolution\", \"values\": []}}").field());
        assertEquals("sweep.values", refused("{\"sweep\": {\"factor\": \"data.resolution\"}}").field());
        StringBuilder seventeen = new StringBuilder();
        for (int i = 0; i < SweepExpansion.MAX_VALUES + 1; i++) {
            seventeen.append(i == 0 ? "" : ", ").append(i + 1);
        }
        InvalidSpecException tooMany = refused("{\"sweep\": {\"factor\": \"training.seed\", \"values\": [" + seventeen + "]}}");
        assertEquals("sweep.values", tooMany.field());
        assertTrue(tooMany.getMessage().contains("got 17"), tooMany.getMessage());
        InvalidSpecException repeated = refused("{\"sweep\": {\"factor\": \"data.resolution\", \"values\": [8, 16, 8]}}");
        assertEquals("sweep.values[2]", repeated.field());
        assertEquals("sweep.values[0]", refused("{\"sweep\": {\"factor\": \"data.resolution\", \"values\": [null]}}").field());
    }

    @Test
    void theSweepItselfIsReadStrictly() {
        assertEquals("sweep.valuez", refused("{\"sweep\": {\"factor\": \"data.resolution\", \"valuez\": [8]}}").field());
        assertEquals("sweep", refused("{\"sweep\": [8, 16]}").field());
        assertEquals("sweep", refused("{\"sweep\": null}").field());
    }

    @Test
    void isSweepOnlyForDocumentsNamingOne() {
        assertTrue(SweepExpansion.isSweep(document("{\"sweep\": {}}")));
        assertFalse(SweepExpansion.isSweep(document("{\"name\": \"x\"}")));
    }
}
