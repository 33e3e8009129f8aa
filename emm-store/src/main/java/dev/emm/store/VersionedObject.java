package dev.emm.store;

/**
 * An object's bytes with its entity tag (ETag), the version a conditional write names: replacing
 * the object only if it is still at this version ({@link ObjectStore#putIfMatch}).
 */
public record VersionedObject(byte[] bytes, String etag) {
}
