package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    private static ExperimentSpec parse(String json) {
        return Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
    }

    @Test
    void anEmptySpecGetsThePaperDefaults() {
        ExperimentSpec spec = SpecValidator.validated(parse("{}"));
        assertEquals(ModelKind.DDPMPP, spec.model().kind());
        assertEquals(128, spec.model().modelChannels());
        assertEquals(List.of(2, 2, 2), spec.model().channelMult());
        assertEquals(0.13, spec.model().dropout());
        assertEquals(PreconditioningType.VP, spec.training().preconditioning());
        assertEquals(512, spec.training().batchSize());
        assertEquals(40_000L, spec.training().duration());
        assertEquals(10_000, spec.sampling().sampleCount());
        assertEquals(18, spec.sampling().numSteps());
        assertEquals(0.1, spec.search().eps());
        assertEquals(9, spec.model().skipConnections().size());
    }

    @Test
    void violationsNameTheirFields() {
        InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                "{\"data\":{\"resolution\":12},\"model\":{\"dropout\":1.5},\"search\":{\"minSize\":100,\"maxSize\":50}}")));
        List<String> fields = error.violations().stream().map(SpecViolation::field).toList();
        assertEquals(List.of("data.resolution", "model.dropout", "search.maxSize"), fields);
        assertTrue(error.getMessage().contains("data.resolution: must be a power of two"), error.getMessage());
    }

    @Test
    void sequentialSamplingIsOffByDefaultAndItsFirstCountLiesWithinTheSampleCount() {
        assertEquals(null, SpecValidator.validated(parse("{}")).sampling().sequentialFirstCount());
        assertEquals(64, SpecValidator.validated(parse(
                "{\"sampling\":{\"sampleCount\":256,\"sequentialFirstCount\":64}}")).sampling().sequentialFirstCount());
        for (String first : List.of("0", "257")) {
            InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                    "{\"sampling\":{\"sampleCount\":256,\"sequentialFirstCount\":" + first + "}}")));
            assertEquals("sampling.sequentialFirstCount", error.field());
            assertTrue(error.getMessage().contains("must be between 1 and sampling.sampleCount (256), got " + first),
                    error.getMessage());
        }
    }

    @Test
    void skipMaskHasOneFlagPerSkipOfTheNetwork() {
        ExperimentSpec small = SpecValidator.validated(parse("{\"model\":{\"channelMult\":[1,2,2],\"numBlocks\":1}}"));
        assertEquals(6, small.model().skipConnections().size());
        InvalidSpecException nine = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                "{\"model\":{\"numBlocks\":1,\"skipConnections\":[true,true,true,true,true,true,true,true,false]}}")));
        assertEquals("model.skipConnections", nine.field());
        assertTrue(nine.getMessage().contains("must list exactly 6 booleans"), nine.getMessage());
        InvalidSpecException two = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                "{\"model\":{\"skipConnections\":[true,false]}}")));
        assertTrue(two.getMessage().contains("must list exactly 9 booleans"), two.getMessage());
        ExperimentSpec paperWithOneBlock = SpecValidator.validated(parse(
                "{\"preset\":\"paper-ddpmpp-vp\",\"model\":{\"numBlocks\":1}}"));
        assertEquals(6, paperWithOneBlock.model().skipConnections().size());
    }

    @Test
    void growthFactorDefaultsToDoublingAndMustExceedOne() {
        assertEquals(2.0, SpecValidator.validated(parse("{}")).search().growthFactor());
        assertEquals(8.0, SpecValidator.validated(parse("{\"search\":{\"growthFactor\":8}}")).search().growthFactor());
        InvalidSpecException error = assertThrows(InvalidSpecException.class,
                () -> SpecValidator.validated(parse("{\"search\":{\"growthFactor\":1.0}}")));
        assertEquals("search.growthFactor", error.field());
    }

    @Test
    void earlyStopDefaultsToTheRatioWithThePlateauRuleOff() {
        SearchSpec defaults = SpecValidator.validated(parse("{}")).search();
        assertEquals(EarlyStopRule.RATIO, defaults.earlyStop());
        assertEquals(0, defaults.plateauSnapshots());
        SearchSpec chosen = SpecValidator.validated(parse(
                "{\"search\":{\"earlyStop\":\"ciLow\",\"plateauSnapshots\":3}}")).search();
        assertEquals(EarlyStopRule.CI_LOW, chosen.earlyStop());
        assertEquals(3, chosen.plateauSnapshots());
        InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                "{\"search\":{\"plateauSnapshots\":1}}")));
        assertEquals(List.of("search.plateauSnapshots"),
                error.violations().stream().map(SpecViolation::field).toList());
        assertTrue(error.getMessage().contains("must be 0 (off) or between 2 and 100, got 1"), error.getMessage());
    }

    @Test
    void batchCapIsOffByDefaultAndAppliesOnlyBelowTheBatchSize() {
        TrainingSpec paper = SpecValidator.validated(parse("{}")).training();
        assertEquals(false, paper.capBatchAtDatasetSize());
        assertEquals(512, paper.effectiveBatchSize(100));
        TrainingSpec capped = SpecValidator.validated(parse(
                "{\"training\":{\"batchSize\":64,\"capBatchAtDatasetSize\":true}}")).training();
        assertEquals(16, capped.effectiveBatchSize(16));
        assertEquals(64, capped.effectiveBatchSize(64));
        assertEquals(64, capped.effectiveBatchSize(1000));
    }

    @Test
    void malformedJsonNamesTheField() {
        Json.MalformedJsonException unknown = assertThrows(Json.MalformedJsonException.class,
                () -> parse("{\"search\":{\"minSise\":3}}"));
        assertEquals("search.minSise", unknown.field());
        Json.MalformedJsonException wrongType = assertThrows(Json.MalformedJsonException.class,
                () -> parse("{\"sampling\":{\"sampleCount\":\"many\"}}"));
        assertEquals("sampling.sampleCount", wrongType.field());
        Json.MalformedJsonException badMode = assertThrows(Json.MalformedJsonException.class,
                () -> parse("{\"data\":{\"labelMode\":\"sometimes\"}}"));
        assertEquals("data.labelMode", badMode.field());
        Json.MalformedJsonException broken = assertThrows(Json.MalformedJsonException.class, () -> parse("{\"data\":"));
        assertTrue(broken.getMessage().contains("end-of-input"), broken.getMessage());
    }

    @Test
    void aValueOutsideItsVocabularyNamesTheFieldAndTheValuesItMayTake() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"model\":{\"kind\":\"gan\"}}", "model.kind: must be one of [optimum, ddpmpp, ncsnpp], got 'gan'");
        cases.put("{\"model\":{\"embeddingType\":\"rope\"}}",
                "model.embeddingType: must be one of [positional, fourier], got 'rope'");
        cases.put("{\"training\":{\"preconditioning\":\"VP\"}}",
                "training.preconditioning: must be one of [vp, ve, edm], got 'VP'");
        cases.put("{\"training\":{\"durationUnit\":\"years\"}}",
                "training.durationUnit: must be one of [epochs, images, steps], got 'years'");
        cases.put("{\"training\":{\"emaMode\":\"mode5\"}}",
                "training.emaMode: must be one of [mode1, mode2, mode3, mode4], got 'mode5'");
        cases.put("{\"training\":{\"dataOrder\":\"sorted\"}}",
                "training.dataOrder: must be one of [fixed, reshuffle], got 'sorted'");
        cases.put("{\"data\":{\"resampling\":\"bicubic\"}}",
                "data.resampling: must be one of [lanczos, area], got 'bicubic'");
        cases.put("{\"data\":{\"mix\":{\"dataset\":\"mnist\",\"alpha\":0.5,\"classMatch\":\"label\"}}}",
                "data.mix.classMatch: must be one of [index, name], got 'label'");
        cases.put("{\"search\":{\"earlyStop\":\"soon\"}}",
                "search.earlyStop: must be one of [ratio, ciLow, off], got 'soon'");
        cases.put("{\"search\":{\"earlyStop\":3}}", "search.earlyStop: must be one of [ratio, ciLow, off], got '3'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Json.MalformedJsonException error = assertThrows(Json.MalformedJsonException.class, () -> parse(c.getKey()));
            assertEquals(c.getValue(), error.field() + ": " + error.detail(), c.getKey());
        }
    }

    @Test
    void aPresetFillsOnlyWhatTheSpecLeavesOut() {
        ExperimentSpec spec = SpecValidator.validated(parse(
                "{\"preset\":\"paper-ddpmpp-vp\",\"search\":{\"maxSize\":4000},\"data\":{\"resolution\":16}}"));
        assertEquals("paper-ddpmpp-vp", spec.preset());
        assertEquals("cifar10", spec.data().dataset());
        assertEquals(16, spec.data().resolution());
        assertEquals(10, spec.data().classes());
        assertEquals(4000, spec.search().maxSize());
        assertEquals(1000, spec.search().minSize());
        assertEquals(10.0, spec.training().emaHalfLifeEpochs());
        assertEquals(512, spec.training().batchSize());
        assertEquals(10_000, spec.sampling().sampleCount());
        for (String name : Presets.NAMES) {
            SpecValidator.validated(parse("{\"preset\":\"" + name + "\"}"));
        }
    }

    @Test
    void anUnknownPresetIsNamed() {
        InvalidSpecException error = assertThrows(InvalidSpecException.class,
                () -> SpecValidator.validated(parse("{\"preset\":\"huge\"}")));
        assertEquals("preset", error.field());
    }

    @Test
    void absurdSizesAndLongListsAreNamed() {
        InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> SpecValidator.validated(parse(
                "{\"name\":\"" + "n".repeat(201) + "\",\"model\":{\"channelMult\":[1,2,2,2,2,2,2,2,2],"
                        + "\"numBlocks\":17,\"modelChannels\":5000},\"training\":{\"batchSize\":100000},"
                        + "\"sampling\":{\"sampleCount\":2000000,\"numSteps\":1001}}")));
        assertEquals(List.of("name", "model.modelChannels", "model.channelMult", "model.numBlocks",
                "training.batchSize", "sampling.sampleCount", "sampling.numSteps"),
                error.violations().stream().map(SpecViolation::field).toList());
        assertTrue(error.getMessage().contains("name: must be at most 200 characters, got 201"), error.getMessage());
        SpecValidator.validated(parse("{\"name\":\"" + "n".repeat(200) + "\",\"sampling\":{\"sampleCount\":1000000}}"));
    }
}
