package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The |D|-relative warm-up and EMA, the EMA modes and the data order: defaults, errors, presets. */
class TrainingSpecFieldsTest {

    private static ExperimentSpec validated(String json) {
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    private static List<String> violatedFields(String json) {
        InvalidSpecException error = assertThrows(InvalidSpecException.class, () -> validated(json));
        return error.violations().stream().map(SpecViolation::field).toList();
    }

    @Test
    void anOldSpecKeepsItsMeaning() {
        TrainingSpec t = validated("{\"training\":{\"warmupImages\":40,\"emaHalfLifeImages\":200}}").training();
        assertEquals(40L, t.warmupImages());
        assertNull(t.warmupEpochs());
        assertEquals(200.0, t.emaHalfLifeImages());
        assertEquals(EmaMode.MODE1, t.emaMode());
        assertEquals(Boolean.FALSE, t.truncateToKimg());
        assertEquals(DataOrder.RESHUFFLE, t.dataOrder());
        assertEquals(10_000_000L, validated("{}").training().warmupImages());
    }

    @Test
    void aWarmUpInEpochsTakesThePlaceOfTheDefaultInImages() {
        TrainingSpec t = validated("{\"training\":{\"warmupEpochs\":200}}").training();
        assertNull(t.warmupImages());
        assertEquals(200.0, t.warmupEpochs());
    }

    @Test
    void eachConflictOrBadValueNamesItsField() {
        assertEquals(List.of("training.warmupEpochs"),
                violatedFields("{\"training\":{\"warmupImages\":5,\"warmupEpochs\":2}}"));
        assertEquals(List.of("training.warmupEpochs"), violatedFields("{\"training\":{\"warmupEpochs\":-1}}"));
        assertEquals(List.of("training.emaHalfLifeEpochs"),
                violatedFields("{\"training\":{\"emaHalfLifeImages\":5,\"emaHalfLifeEpochs\":2}}"));
        assertEquals(List.of("training.emaDecay"),
                violatedFields("{\"training\":{\"emaDecay\":0.9,\"emaHalfLifeEpochs\":2}}"));
        assertEquals("training.emaMode", assertThrows(Json.MalformedJsonException.class,
                () -> validated("{\"training\":{\"emaMode\":\"mode5\"}}")).field());
        assertEquals(List.of("training.emaMode"),
                violatedFields("{\"training\":{\"emaMode\":\"mode2\",\"emaDecay\":0.9}}"));
        assertEquals(List.of("training.emaMode"), violatedFields("{\"training\":{\"emaMode\":\"mode4\"}}"));
        assertEquals(List.of("training.finalEma"), violatedFields("{\"training\":{\"finalEma\":1.5}}"));
        assertEquals("training.dataOrder", assertThrows(Json.MalformedJsonException.class,
                () -> validated("{\"training\":{\"dataOrder\":\"sorted\"}}")).field());
        InvalidSpecException error = assertThrows(InvalidSpecException.class,
                () -> validated("{\"training\":{\"emaMode\":\"mode4\"}}"));
        assertTrue(error.getMessage().contains("mode4 needs an EMA half-life"), error.getMessage());
        validated("{\"training\":{\"emaMode\":\"mode3\"}}");
    }

    @Test
    void thePaperPresetIsThePapersDefaultCommand() {
        TrainingSpec t = validated("{\"preset\":\"paper-ddpmpp-vp\"}").training();
        assertEquals(200.0, t.warmupEpochs());
        assertEquals(10.0, t.emaHalfLifeEpochs());
        assertEquals(EmaMode.MODE2, t.emaMode());
        assertEquals(0.99929, t.finalEma());
        assertEquals(Boolean.TRUE, t.truncateToKimg());
        assertEquals(DataOrder.FIXED, t.dataOrder());
        assertEquals(512, t.batchSize());
        assertEquals(2e-4, t.learningRate());
    }

    @Test
    void aProcedureCutToStepsKeepsItsSchedule() {
        TrainingSpec cut = validated("{\"preset\":\"paper-ddpmpp-vp\"}").training().forSteps(16, 8);
        assertEquals(DurationUnit.STEPS, cut.durationUnit());
        assertEquals(8L, cut.duration());
        assertEquals(16, cut.batchSize());
        assertNull(cut.snapshotEveryImages());
        assertEquals(200.0, cut.warmupEpochs());
        assertEquals(10.0, cut.emaHalfLifeEpochs());
        assertEquals(EmaMode.MODE2, cut.emaMode());
        assertEquals(DataOrder.FIXED, cut.dataOrder());
        assertEquals(Boolean.TRUE, cut.truncateToKimg());
    }

    @Test
    void aSpecGivingAnotherFormOfAPresetFieldReplacesIt() {
        TrainingSpec images = validated("{\"preset\":\"paper-ddpmpp-vp\",\"training\":{\"warmupImages\":0,"
                + "\"emaHalfLifeImages\":500000}}").training();
        assertEquals(0L, images.warmupImages());
        assertNull(images.warmupEpochs());
        assertEquals(500_000.0, images.emaHalfLifeImages());
        assertNull(images.emaHalfLifeEpochs());
        TrainingSpec decay = validated("{\"preset\":\"paper-ddpmpp-vp\",\"training\":{\"emaDecay\":0.999,"
                + "\"emaMode\":\"mode1\"}}").training();
        assertEquals(0.999, decay.emaDecay());
        assertNull(decay.emaHalfLifeEpochs());
        TrainingSpec mode4 = validated("{\"preset\":\"paper-ddpmpp-vp\",\"training\":{\"emaMode\":\"mode4\","
                + "\"finalEma\":0.9}}").training();
        assertEquals(10.0, mode4.emaHalfLifeEpochs());
        assertEquals(0.9, mode4.finalEma());
    }
}
