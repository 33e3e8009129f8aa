package dev.emm.store;

/** An object-store call that failed; the message names the object and the endpoint, never the credentials. */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ObjectStoreException(String message) {
        super(message);
    }
}
