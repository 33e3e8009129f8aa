package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec fields of the paper's data steps: resampling, class selection, centre crop, attention that follows the image. */
class DataFidelitySpecTest {

    private static ExperimentSpec parse(String json) {
        return Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
    }

    private static ExperimentSpec validated(String json) {
        return SpecValidator.validated(parse(json));
    }

    private static List<String> fields(String json) {
        return assertThrows(InvalidSpecException.class, () -> validated(json)).violations().stream()
                .map(SpecViolation::field).toList();
    }

    @Test
    void lanczosIsTheDefaultAndTheMnistPresetsKeepBlockAveraging() {
        assertEquals(ResamplingMethod.LANCZOS, validated("{}").data().resampling());
        assertEquals(ResamplingMethod.LANCZOS, validated("{\"preset\":\"paper-ddpmpp-vp\"}").data().resampling());
        assertEquals(ResamplingMethod.AREA, validated("{\"preset\":\"small-ddpmpp-mnist\"}").data().resampling());
        assertEquals(ResamplingMethod.AREA, validated("{\"preset\":\"optimum-mnist\"}").data().resampling());
        assertEquals(ResamplingMethod.LANCZOS, validated("{\"preset\":\"small-ddpmpp-mnist\",\"data\":{\"resampling\":\"lanczos\"}}")
                .data().resampling());
        Json.MalformedJsonException bad = assertThrows(Json.MalformedJsonException.class,
                () -> validated("{\"data\":{\"resampling\":\"bicubic\"}}"));
        assertEquals("data.resampling", bad.field());
        assertTrue(bad.getMessage().contains("got 'bicubic'"), bad.getMessage());
    }

    @Test
    void classesAreSelectedByIndexOrByNameAndCountThemselves() {
        DataSpec dogs = validated("{\"data\":{\"dataset\":\"cifar10\",\"selectClasses\":[\"dog\"]}}").data();
        assertEquals(List.of(ClassRef.ofName("dog")), dogs.selectClasses());
        assertEquals(1, dogs.classes());
        assertEquals(1, dogs.labelClasses());
        DataSpec mixed = validated("{\"data\":{\"selectClasses\":[5,\"cat\"],\"classes\":2}}").data();
        assertEquals(List.of(ClassRef.ofId(5), ClassRef.ofName("cat")), mixed.selectClasses());
        assertNull(validated("{}").data().selectClasses());
        assertEquals(10, validated("{}").data().classes());
        // The resolved spec writes them back as the user gave them.
        String json = Json.toString(mixed);
        assertTrue(json.contains("\"selectClasses\":[5,\"cat\"]"), json);
        assertEquals(mixed, Json.read(json, DataSpec.class));
    }

    @Test
    void badClassSelectionsNameTheirField() {
        assertEquals(List.of("data.selectClasses"), fields("{\"data\":{\"selectClasses\":[]}}"));
        assertEquals(List.of("data.selectClasses[1]"), fields("{\"data\":{\"selectClasses\":[3,-1]}}"));
        assertEquals(List.of("data.selectClasses[0]"), fields("{\"data\":{\"selectClasses\":[\" \"]}}"));
        assertEquals(List.of("data.selectClasses"), fields("{\"data\":{\"selectClasses\":[\"dog\",\"dog\"]}}"));
        assertEquals(List.of("data.classes"), fields("{\"data\":{\"selectClasses\":[\"dog\"],\"classes\":2}}"));
        Json.MalformedJsonException notAClass = assertThrows(Json.MalformedJsonException.class,
                () -> parse("{\"data\":{\"selectClasses\":[\"dog\",2.5]}}"));
        assertEquals("data.selectClasses[1]", notAClass.field());
    }

    @Test
    void centreCropIsAnOptionOfTheMixSourceOffByDefault() {
        MixSpec plain = validated("{\"data\":{\"mix\":{\"dataset\":\"imagenet-dogs\",\"alpha\":0.2}}}").data().mix();
        assertFalse(plain.cropsToCenter());
        MixSpec cropped = validated("{\"data\":{\"mix\":{\"dataset\":\"imagenet-dogs\",\"alpha\":0.2,"
                + "\"centerCrop\":true}}}").data().mix();
        assertTrue(cropped.cropsToCenter());
    }

    /** The paper's data_distribution.md: --attn-resolutions 16 at 32x32, 8 at 16x16, 4 at 8x8. */
    @Test
    void attentionFollowsTheImageResolutionAsThePapersRunsSetIt() {
        assertEquals(List.of(16), validated("{\"preset\":\"paper-ddpmpp-vp\"}").model().attnResolutions());
        assertEquals(List.of(8), validated("{\"preset\":\"paper-ddpmpp-vp\",\"data\":{\"resolution\":16}}")
                .model().attnResolutions());
        assertEquals(List.of(4), validated("{\"preset\":\"paper-ddpmpp-vp\",\"data\":{\"resolution\":8}}")
                .model().attnResolutions());
        assertEquals(List.of(8), validated("{}").model().attnResolutions()); // the default data is 16x16
        assertEquals(List.of(), validated("{\"model\":{\"channelMult\":[2],\"numBlocks\":1}}").model()
                .attnResolutions());
        assertEquals(List.of(), validated("{\"preset\":\"small-ddpmpp-mnist\"}").model().attnResolutions());
        assertEquals(List.of(16, 4), validated("{\"data\":{\"resolution\":16},\"model\":{\"attnResolutions\":[16,4]}}")
                .model().attnResolutions());
    }

    @Test
    void attentionAtAResolutionTheNetworkNeverHasIsAnError() {
        InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> validated(
                "{\"preset\":\"paper-ddpmpp-vp\",\"data\":{\"resolution\":8},\"model\":{\"attnResolutions\":[16]}}"));
        assertEquals(List.of("model.attnResolutions"), error.violations().stream().map(SpecViolation::field).toList());
        assertTrue(error.getMessage().contains("asks for attention at [16], a resolution this network never has:"
                + " at data.resolution 8 its 3 level(s) work at [8, 4, 2]"), error.getMessage());
        assertEquals(List.of("model.attnResolutions"),
                fields("{\"data\":{\"resolution\":32},\"model\":{\"attnResolutions\":[2]}}"));
        // A model completed without its experiment (a training run given its images) is checked the same way.
        ModelSpec twoLevels = Json.readStrict("""
                {"kind": "ddpmpp", "modelChannels": 16, "channelMult": [1, 2], "numBlocks": 1, "attnResolutions": [4],
                 "dropout": 0}""", ModelSpec.class);
        assertEquals(List.of(4), SpecValidator.completedModel(twoLevels, 8).attnResolutions());
        assertEquals("model.attnResolutions",
                assertThrows(InvalidSpecException.class, () -> SpecValidator.completedModel(twoLevels, 16)).field());
        assertEquals(List.of(16), SpecValidator.completedModel(
                Json.readStrict("{\"kind\": \"ddpmpp\", \"modelChannels\": 16}", ModelSpec.class), 32).attnResolutions());
        // The optimal denoiser has no network, so its attention field is never checked.
        assertEquals(ModelKind.OPTIMUM, validated("{\"data\":{\"resolution\":8},\"model\":{\"kind\":\"optimum\","
                + "\"attnResolutions\":[16]}}").model().kind());
    }
}
