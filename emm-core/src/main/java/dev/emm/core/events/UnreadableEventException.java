package dev.emm.core.events;

/**
 * A record on an internal topic that no retry could ever read: not JSON of the event, or a
 * {@code schemaVersion} this build does not know. The services dead-letter such a record and go
 * on with the next one, where any other failure stops the channel so the record comes back.
 */
public final class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }

    public UnreadableEventException(String message) {
        super(message);
    }
}
