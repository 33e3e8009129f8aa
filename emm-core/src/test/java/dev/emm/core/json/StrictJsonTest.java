package dev.emm.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.emm.core.spec.ExperimentSpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Specs are read without converting one scalar type into another, so a wrong type names its field. */
class StrictJsonTest {

    private static ExperimentSpec readStrict(String json) {
        return Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"search\": {\"eps\": \"0.1\"}}                  | search.eps",
            "{\"search\": {\"minSize\": \"10\"}}               | search.minSize",
            "{\"search\": {\"minSize\": \"\"}}                 | search.minSize",
            "{\"data\": {\"resolution\": 16.5}}                | data.resolution",
            "{\"data\": {\"resolution\": true}}                | data.resolution",
            "{\"search\": {\"minSize\": 99999999999}}          | search.minSize",
            "{\"model\": {\"skipConnections\": [1, 0]}}        | model.skipConnections[0]",
            "{\"model\": {\"skipConnections\": [\"true\"]}}    | model.skipConnections[0]",
            "{\"training\": {\"capBatchAtDatasetSize\": \"yes\"}} | training.capBatchAtDatasetSize",
            "{\"name\": 5}                                     | name",
            "{\"model\": {\"kind\": false}}                    | model.kind",
            "{\"data\": {\"labelMode\": 1}}                    | data.labelMode",
            "{\"training\": {\"learningRate\": 1e400}}         | training.learningRate",
            "{\"sampling\": {\"sigmaMax\": -1e999}}            | sampling.sigmaMax",
    })
    void aScalarOfTheWrongTypeIsRefusedNamingItsField(String json, String field) {
        Json.MalformedJsonException error = assertThrows(Json.MalformedJsonException.class, () -> readStrict(json));
        assertEquals(field, error.field(), error.getMessage());
    }

    @Test
    void numbersOfTheRightTypeStillRead() {
        ExperimentSpec spec = readStrict("{\"search\": {\"eps\": 0.1, \"minSize\": 10, \"growthFactor\": 2},"
                + " \"training\": {\"learningRate\": 2e-4}}");
        assertEquals(0.1, spec.search().eps());
        assertEquals(10, spec.search().minSize());
        assertEquals(2.0, spec.search().growthFactor(), "an integer is a valid double");
        assertEquals(2e-4, spec.training().learningRate());
    }

    @Test
    void eventsStayLenient() {
        assertEquals(0.1, Json.read("{\"eps\": 0.1, \"unknown\": 1}", Probe.class).eps());
    }

    record Probe(double eps) {
    }
}
