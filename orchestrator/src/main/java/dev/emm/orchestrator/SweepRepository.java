package dev.emm.orchestrator;

import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.sweep.SweepState;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** Sweep states, kept in the object store ({@code sweeps/{id}/sweep.json}) and cached in memory for reads. */
@ApplicationScoped
public class SweepRepository {

    private static final Logger LOG = Logger.getLogger(SweepRepository.class);

    @Inject
    ObjectStore store;

    private final Map<String, SweepState> cache = new ConcurrentHashMap<>();

    public void save(SweepState state) {
        store.put(StorageLayout.sweepState(state.sweepId()), Json.toBytes(state));
        cache.put(state.sweepId(), state);
    }

    public Optional<SweepState> find(String sweepId) {
        SweepState cached = cache.get(sweepId);
        if (cached != null) {
            return Optional.of(cached);
        }
        return store.find(StorageLayout.sweepState(sweepId))
                .map(bytes -> Json.read(bytes, SweepState.class))
                .map(state -> {
                    cache.put(sweepId, state);
                    return state;
                });
    }

    /**
     * Reads every stored sweep into the cache; called once at start. A sweep whose state cannot be
     * read is left out (logged): its members are experiments of their own and go on without it.
     */
    public List<SweepState> loadAll() {
        List<SweepState> states = new ArrayList<>();
        for (String key : store.list("sweeps/")) {
            if (!key.endsWith("/sweep.json")) {
                continue;
            }
            try {
                SweepState state = Json.read(store.get(key), SweepState.class);
                cache.put(state.sweepId(), state);
                states.add(state);
            } catch (Json.MalformedJsonException e) {
                LOG.errorf("sweep state %s cannot be read and is left out (its experiments go on): %s", key,
                        e.getMessage());
            }
        }
        return states;
    }

    public Collection<SweepState> all() {
        return cache.values();
    }
}
