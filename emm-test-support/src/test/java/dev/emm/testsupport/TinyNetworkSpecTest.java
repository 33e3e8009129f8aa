package dev.emm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TinyNetworkSpecTest {

    private static ExperimentSpec validated(TinyNetworkSpec spec) {
        return SpecValidator.validated(Json.readStrict(spec.json().getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    @Test
    void cadencesInStepsBecomeImagesAtTheOneSize() {
        ExperimentSpec spec = validated(TinyNetworkSpec.of("tiny", 10).steps(2400).snapshotEverySteps(800)
                .checkpointEverySteps(300).sampleCount(50).earlyStop("off"));
        assertEquals("tiny", spec.name());
        assertEquals(10, spec.search().minSize());
        assertEquals(10, spec.search().maxSize());
        assertEquals(2400, spec.training().duration());
        assertEquals(8000, spec.training().snapshotEveryImages());
        assertEquals(3000, spec.training().checkpointEveryImages());
        assertEquals(50, spec.sampling().sampleCount());
        assertEquals(50, spec.sampling().batchSize());
        assertEquals(16, spec.model().modelChannels());
        assertEquals(8, spec.data().resolution());
    }

    @Test
    void withoutStepsARunTrainsUntilCancelled() {
        TinyNetworkSpec tiny = TinyNetworkSpec.of("held", 20);
        ExperimentSpec spec = validated(tiny);
        assertEquals(10_000_000, spec.training().duration());
        assertEquals(20, spec.search().maxSize());
        assertEquals(100, spec.sampling().sampleCount());
        assertNull(tiny.earlyStop());
        assertFalse(tiny.json().contains("earlyStop"), tiny.json());
        assertFalse(tiny.json().contains("checkpointEveryImages"), tiny.json());
    }
}
