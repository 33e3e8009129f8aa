package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each study preset is the paper's default command with the flags that study's run instructions
 * change (DiffMemorize's scripts/*.md), and nothing else.
 */
class StudyPresetsTest {

    private static ExperimentSpec resolved(String json) {
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    private static ExperimentSpec preset(String name) {
        return resolved("{\"preset\": \"" + name + "\"}");
    }

    @Test
    void everyPresetValidatesAndSaysWhatItIs() {
        for (String name : Presets.NAMES) {
            ExperimentSpec spec = preset(name);
            assertEquals(name, spec.name(), "the preset's own name, not its base's");
            assertFalse(Presets.about(name).isBlank(), name);
            assertFalse(Presets.find(name).orElseThrow().has("about"), name);
        }
    }

    @Test
    void aStudyInheritsThePaperDefaultsItDoesNotChange() {
        ExperimentSpec ema = preset("paper-ema");
        ExperimentSpec paper = preset("paper-ddpmpp-vp");
        assertEquals(EmaMode.MODE4, ema.training().emaMode());
        assertEquals(0.999, ema.training().finalEma());
        assertEquals(EmaMode.MODE2, paper.training().emaMode());
        assertEquals(paper.training().warmupEpochs(), ema.training().warmupEpochs());
        assertEquals(paper.training().emaHalfLifeEpochs(), ema.training().emaHalfLifeEpochs());
        assertEquals(paper.model(), ema.model());
        assertEquals(paper.data(), ema.data());
        assertEquals(paper.sampling(), ema.sampling());
        assertEquals(paper.search(), ema.search());
    }

    @Test
    void dataDimensionMovesAttentionWithTheResolution() {
        ExperimentSpec sixteen = preset("paper-data-dimension");
        assertEquals(16, sixteen.data().resolution());
        assertEquals(List.of(8), sixteen.model().attnResolutions());
        ExperimentSpec eight = resolved("{\"preset\": \"paper-data-dimension\", \"data\": {\"resolution\": 8}}");
        assertEquals(List.of(4), eight.model().attnResolutions());
        assertEquals(List.of(16), preset("paper-ddpmpp-vp").model().attnResolutions());
    }

    @Test
    void modelStudies() {
        assertEquals(256, preset("paper-model-width").model().modelChannels());
        ExperimentSpec deep = preset("paper-model-depth");
        assertEquals(4, deep.model().numBlocks());
        assertEquals(Collections.nCopies(15, Boolean.TRUE), deep.model().skipConnections());
        assertEquals(EmbeddingType.FOURIER, preset("paper-time-embedding").model().embeddingType());
        List<Boolean> top = List.of(true, true, true, false, false, false, false, false, false);
        assertEquals(top, preset("paper-skip-connections").model().skipConnections());
        ExperimentSpec ncsn = preset("paper-skip-connections-ncsnpp");
        assertEquals(top, ncsn.model().skipConnections());
        assertEquals(ModelKind.NCSNPP, ncsn.model().kind());
        assertEquals(PreconditioningType.VE, ncsn.training().preconditioning());
    }

    @Test
    void trainingStudies() {
        ExperimentSpec batch = preset("paper-batch-size");
        assertEquals(128, batch.training().batchSize());
        assertEquals(2e-4 / 512, batch.training().learningRate() / batch.training().batchSize(), 1e-18);
        assertEquals(1e-4, preset("paper-learning-rate").training().learningRate());
        assertEquals(512, preset("paper-learning-rate").training().batchSize());
        assertEquals(0.01, preset("paper-weight-decay").training().weightDecay());
    }

    @Test
    void dataAndLabelStudies() {
        ExperimentSpec inter = preset("paper-inter-diversity");
        assertEquals(2, inter.data().classes());
        // two CIFAR-10 classes hold 10,000 images: the largest class-balanced subset
        assertEquals(10_000, inter.search().maxSize());
        ExperimentSpec intra = preset("paper-intra-diversity");
        assertEquals(1, intra.data().classes());
        assertEquals(1, intra.data().selectClasses().size());
        assertEquals(0.5, intra.data().mix().alpha());
        assertTrue(intra.data().mix().cropsToCenter());
        // the paper's pools hold 2,000 dogs from each source
        assertEquals(2_000, intra.search().maxSize());
        assertEquals(LabelMode.TRUE, preset("paper-labels-true").data().labelMode());
        ExperimentSpec random = preset("paper-labels-random");
        assertEquals(LabelMode.RANDOM, random.data().labelMode());
        assertEquals(10, random.data().labelClasses());
        assertEquals(LabelMode.UNIQUE, preset("paper-labels-unique").data().labelMode());
        ExperimentSpec edm = preset("paper-unique-labels-edm");
        assertEquals(LabelMode.UNIQUE, edm.data().labelMode());
        assertEquals(PreconditioningType.EDM, edm.training().preconditioning());
        assertEquals(4, edm.model().numBlocks());
        assertEquals(1e-3, edm.training().learningRate());
        // --duration=600 is 600 * |D| / 50 kimg: 12,000 epochs
        assertEquals(12_000L, edm.training().duration());
        assertEquals(50_000, edm.search().minSize());
        assertEquals(50_000, edm.search().maxSize());
    }

    @Test
    void aSpecStillOverridesAStudyPreset() {
        ExperimentSpec spec = resolved("{\"preset\": \"paper-model-width\", \"model\": {\"modelChannels\": 320}}");
        assertEquals(320, spec.model().modelChannels());
        assertNull(Presets.find("no-such-preset").orElse(null));
    }
}
