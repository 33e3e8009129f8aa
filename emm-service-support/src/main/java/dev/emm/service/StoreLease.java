package dev.emm.service;

import dev.emm.core.json.Json;
import dev.emm.store.ObjectStore;
import dev.emm.store.VersionedObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A lease held in the object store under one key: whoever holds an unexpired lease is the only
 * one to act (train a run, run the orchestrator). Every write is conditional, which S3 and MinIO
 * make atomic: the first claim creates the object only if the key is free, and a takeover of an
 * expired lease, a renewal and a release replace it only if it is still the version this holder
 * last read or wrote. Of any number of racing claimants exactly one wins; a holder whose renewal
 * fails has lost the lease (it expired and someone took it) and must stop acting.
 */
public final class StoreLease {

    /** The lease as stored: who holds it, until when (milliseconds since the epoch). */
    public record Holder(String owner, long expiresAtMillis) {
    }

    private final ObjectStore store;
    private final String key;
    private final String owner;
    private final Duration term;
    private final Clock clock;
    /** The version of the lease this holder wrote last; null while it holds none. */
    private String heldVersion;

    public StoreLease(ObjectStore store, String key, String owner, Duration term, Clock clock) {
        this.store = store;
        this.key = key;
        this.owner = owner;
        this.term = term;
        this.clock = clock;
    }

    public String owner() {
        return owner;
    }

    /**
     * One attempt to take the lease: true if this owner holds it now (it was free, expired, or
     * already this owner's), false if another owner holds it or won a race for it.
     */
    public synchronized boolean tryAcquire() {
        Optional<VersionedObject> stored = store.findVersioned(key);
        long now = clock.millis();
        if (stored.isEmpty()) {
            heldVersion = store.putIfAbsent(key, leaseUntil(now)).orElse(null);
        } else {
            Optional<Holder> holder = read(stored.get().bytes());
            if (holder.isPresent() && !holder.get().owner().equals(owner) && holder.get().expiresAtMillis() > now) {
                heldVersion = null;
                return false;
            }
            heldVersion = store.putIfMatch(key, leaseUntil(now), stored.get().etag()).orElse(null);
        }
        return heldVersion != null;
    }

    /** Extends the lease by its term from now: false if it was lost (it expired and another owner took it). */
    public synchronized boolean renew() {
        if (heldVersion == null) {
            return false;
        }
        heldVersion = store.putIfMatch(key, leaseUntil(clock.millis()), heldVersion).orElse(null);
        return heldVersion != null;
    }

    /**
     * Gives the lease up: it is replaced by an expired one, unless another owner has it by now.
     * (A delete could not be made conditional on every store, so the key stays.)
     */
    public synchronized void release() {
        if (heldVersion != null) {
            store.putIfMatch(key, Json.toBytes(new Holder(owner, 0)), heldVersion);
            heldVersion = null;
        }
    }

    public synchronized boolean held() {
        return heldVersion != null;
    }

    /** The lease as stored now; empty if there is none or it cannot be read (then it counts as expired). */
    public Optional<Holder> holder() {
        return store.find(key).flatMap(StoreLease::read);
    }

    private byte[] leaseUntil(long now) {
        return Json.toBytes(new Holder(owner, now + term.toMillis()));
    }

    private static Optional<Holder> read(byte[] bytes) {
        try {
            return Optional.of(Json.read(bytes, Holder.class));
        } catch (Json.MalformedJsonException unreadable) {
            return Optional.empty();
        }
    }
}
