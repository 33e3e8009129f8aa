package dev.emm.orchestrator;

import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
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

    /** Reads every stored experiment into the cache; called once at start. */
    public Collection<ExperimentState> loadAll() {
        for (String key : store.list("experiments/")) {
            if (key.endsWith("/state.json")) {
                ExperimentState state = Json.read(store.get(key), ExperimentState.class);
                cache.put(state.experimentId(), state);
            }
        }
        return cache.values();
    }

    public Collection<ExperimentState> all() {
        return cache.values();
    }
}
