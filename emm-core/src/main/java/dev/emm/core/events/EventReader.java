package dev.emm.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * Reads an event from a record value, as docs/CONTRACTS.md promises every consumer does: fields
 * it does not know are ignored, but a {@code schemaVersion} other than the one this build speaks
 * (missing included) is refused, since a new version may change what known fields mean.
 */
public final class EventReader {

    private static final String VERSION_FIELD = "schemaVersion";

    private EventReader() {
    }

    /** The event, or an {@link UnreadableEventException} saying why the value is none of version {@code version}. */
    public static <T> T read(String value, Class<T> type, int version) {
        String name = type.getSimpleName();
        if (value == null || value.isBlank()) {
            throw new UnreadableEventException("empty record where a " + name + " was expected");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        JsonNode document;
        try {
            document = Json.read(bytes, JsonNode.class);
        } catch (Json.MalformedJsonException e) {
            throw new UnreadableEventException("not a " + name + ": " + e.getMessage(), e);
        }
        JsonNode given = document.path(VERSION_FIELD);
        if (!given.isInt() || given.intValue() != version) {
            throw new UnreadableEventException(name + " " + VERSION_FIELD + " "
                    + (given.isMissingNode() ? "missing" : given.toString()) + ", this build reads version " + version);
        }
        try {
            return Json.read(bytes, type);
        } catch (Json.MalformedJsonException e) {
            throw new UnreadableEventException("not a " + name + ": " + e.getMessage(), e);
        }
    }
}
