package dev.emm.store;

/** The key has no object; callers that expect absence use {@link ObjectStore#find} instead of catching this. */
public class ObjectNotFoundException extends ObjectStoreException {

    private final String key;

    public ObjectNotFoundException(String key, String location) {
        super("no object at key '" + key + "' in " + location);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
