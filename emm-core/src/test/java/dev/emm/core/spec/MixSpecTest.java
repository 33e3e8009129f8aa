package dev.emm.core.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MixSpecTest {

    private static ExperimentSpec validated(String json) {
        return SpecValidator.validated(Json.readStrict(json.getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
    }

    @Test
    void classesMatchByIndexUnlessNamesAreGiven() {
        MixSpec plain = validated("{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5}}}").data().mix();
        assertEquals(ClassMatch.INDEX, plain.classMatch());
        assertEquals(Map.of(), plain.classMap());
        assertFalse(plain.byName());

        MixSpec renamed = validated("{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5,"
                + "\"classMap\":{\"dog\":\"n02084071\"}}}}").data().mix();
        assertEquals(ClassMatch.NAME, renamed.classMatch());
        assertTrue(renamed.byName());

        assertTrue(validated("{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5,\"classMatch\":\"name\"}}}")
                .data().mix().byName());
        assertNull(validated("{}").data().mix());
    }

    @Test
    void badMixFieldsAreNamed() {
        Json.MalformedJsonException match = assertThrows(Json.MalformedJsonException.class, () -> validated(
                "{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5,\"classMatch\":\"label\"}}}"));
        assertEquals("data.mix.classMatch", match.field());
        InvalidSpecException map = assertThrows(InvalidSpecException.class, () -> validated(
                "{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":0.5,\"classMatch\":\"index\","
                        + "\"classMap\":{\"a\":\"b\"}}}}"));
        assertEquals("data.mix.classMap", map.field());
        InvalidSpecException alpha = assertThrows(InvalidSpecException.class, () -> validated(
                "{\"data\":{\"mix\":{\"dataset\":\"other\",\"alpha\":1.5}}}"));
        assertEquals("data.mix.alpha", alpha.field());
    }
}
