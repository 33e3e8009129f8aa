package dev.emm.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every consumer reads its events through EventReader: the version it speaks, or a reason to dead-letter. */
class EventReaderTest {

    @Test
    void anEventOfTheKnownVersionIsReadAndUnknownFieldsAreIgnored() {
        String json = "{\"schemaVersion\":1,\"experimentId\":\"e-1\",\"runId\":\"e-1-n10-s0\",\"size\":10,"
                + "\"reason\":\"memorizing\",\"snapshot\":3,\"addedLater\":true}";
        RunCancelled read = EventReader.read(json, RunCancelled.class, RunCancelled.VERSION);
        assertEquals(RunCancelled.of("e-1", "e-1-n10-s0", 10, RunCancelled.MEMORIZING, 3), read);
    }

    @Test
    void whatAProducerWritesIsReadBack() {
        ExperimentCancelRequested request = ExperimentCancelRequested.of("e-2");
        assertEquals(request, EventReader.read(Json.toString(request), ExperimentCancelRequested.class,
                ExperimentCancelRequested.VERSION));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"schemaVersion\":2,\"experimentId\":\"e\"}       | schemaVersion 2, this build reads version 1",
            "{\"schemaVersion\":99,\"experimentId\":\"e\"}      | schemaVersion 99, this build reads version 1",
            "{\"schemaVersion\":\"1\",\"experimentId\":\"e\"}   | schemaVersion \"1\", this build reads version 1",
            "{\"schemaVersion\":1.5,\"experimentId\":\"e\"}     | schemaVersion 1.5, this build reads version 1",
            "{\"experimentId\":\"e\"}                          | schemaVersion missing, this build reads version 1",
            "[1, 2]                                             | schemaVersion missing, this build reads version 1",
            "{not json                                          | not a ExperimentCancelRequested: malformed JSON at $",
            "{\"schemaVersion\":1,\"experimentId\":[1]}         | not a ExperimentCancelRequested: malformed JSON at experimentId",
            "'   '                                              | empty record where a ExperimentCancelRequested was expected",
    })
    void aValueOfAnotherVersionOrShapeIsUnreadableAndSaysWhy(String value, String reason) {
        UnreadableEventException error = assertThrows(UnreadableEventException.class,
                () -> EventReader.read(value, ExperimentCancelRequested.class, ExperimentCancelRequested.VERSION));
        assertTrue(error.getMessage().contains(reason), error.getMessage());
    }

    @Test
    void aNullValueIsUnreadable() {
        assertThrows(UnreadableEventException.class, () -> EventReader.read(null, SnapshotSaved.class, SnapshotSaved.VERSION));
    }
}
