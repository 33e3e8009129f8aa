package dev.emm.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentStatusTest {

    @Test
    void resultsKeepTheirWireNamesInJson() {
        EmmResult bracketed = EmmResult.finished("e", new SearchDecision.Finished(SearchOutcome.BRACKETED, 45, 76),
                List.of());
        String json = Json.toString(bracketed);
        assertTrue(json.contains("\"status\":\"bracketed\""), json);
        assertEquals(ExperimentStatus.BRACKETED, Json.read(json, EmmResult.class).status());

        String cancelled = Json.toString(EmmResult.cancelled("e", List.of()));
        assertTrue(cancelled.contains("\"status\":\"cancelled\""), cancelled);
    }

    @Test
    void everyOutcomeIsAFinishedStatusWithAnAnswer() {
        for (SearchOutcome outcome : SearchOutcome.values()) {
            ExperimentStatus status = ExperimentStatus.of(outcome);
            assertEquals(outcome.name(), status.name());
            assertTrue(status.finished());
            assertFalse(status.unanswered());
        }
        assertFalse(ExperimentStatus.RUNNING.finished());
        assertTrue(ExperimentStatus.FAILED.unanswered());
        assertTrue(ExperimentStatus.CANCELLED.unanswered());
    }

    @Test
    void namesReadBackAndUnknownOnesAreRefused() {
        Arrays.stream(ExperimentStatus.values()).forEach(status ->
                assertEquals(status, ExperimentStatus.fromJsonName(status.toString())));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ExperimentStatus.fromJsonName("done"));
        assertEquals("unknown experiment status 'done'", error.getMessage());
    }
}
