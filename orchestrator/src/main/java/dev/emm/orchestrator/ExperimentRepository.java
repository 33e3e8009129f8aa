package dev.emm.orchestrator;

import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Experiment states, kept in the object store (the source of truth, so a restart loses nothing) and
 * cached in memory for reads.
 */
@ApplicationScoped
public class ExperimentRepository {

    @Inject
    ObjectStore store;

    private final Map<String, ExperimentState> cache = new ConcurrentHashMap<>();

    public void save(ExperimentState state) {
        store.put(StorageLayout.experimentState(state.experimentId()), Json.toBytes(state));
        if (state.result() != null) {
            store.put(StorageLayout.experimentResult(state.experimentId()), Json.toBytes(state.result()));
        }
        cache.put(state.experimentId(), state);
    }

    /** Removes an experiment that never started (its state is all it has in the store). */
    public void delete(String experimentId) {
        store.delete(StorageLayout.experimentState(experimentId));
        cache.remove(experimentId);
    }

    public Optional<ExperimentState> find(String experimentId) {
        ExperimentState cached = cache.get(experimentId);
        if (cached != null) {
            return Optional.of(cached);
        }
        return store.find(StorageLayout.experimentState(experimentId))
                .map(bytes -> Json.read(bytes, ExperimentState.class))
                .map(state -> {
                    cache.put(experimentId, state);
                    return state;
                });
    }

    /**
     * What the store held at start: the states read, and, by experiment id, why each of the others
     * could not be read. The bytes of an unreadable state are copied to
     * {@link StorageLayout#experimentUnreadableState} before anything replaces them.
     */
    public record Stored(List<ExperimentState> states, Map<String, String> unreadable) {
    }

    /** Reads every stored experiment into the cache; called once at start. */
    public Stored loadAll() {
        List<ExperimentState> states = new ArrayList<>();
        Map<String, String> unreadable = new TreeMap<>();
        for (String key : store.list("experiments/")) {
            if (!key.endsWith("/state.json")) {
                continue;
            }
            byte[] bytes = store.get(key);
            String experimentId = key.substring("experiments/".length(), key.length() - "/state.json".length());
            try {
                ExperimentState state = Json.read(bytes, ExperimentState.class);
                if (!experimentId.equals(state.experimentId())) {
                    throw new IllegalStateException("it names experiment " + state.experimentId());
                }
                cache.put(state.experimentId(), state);
                states.add(state);
            } catch (Json.MalformedJsonException | IllegalStateException e) {
                store.put(StorageLayout.experimentUnreadableState(experimentId), bytes);
                unreadable.put(experimentId, e.getMessage());
            }
        }
        return new Stored(states, unreadable);
    }

    public Collection<ExperimentState> all() {
        return cache.values();
    }
}
