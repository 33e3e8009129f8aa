package dev.emm.metric;

import dev.emm.core.events.RunRef;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.storage.StorageLayout;
import dev.emm.service.EventMeters;
import dev.emm.store.ObjectStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code emm_memorization_ratio{experiment,size,snapshot}}: each measured snapshot's ratio, while
 * its experiment runs. An experiment's gauges are removed when its completion is heard
 * ({@link ExperimentCompletedConsumer}), and a metric that arrives for an experiment that has
 * ended (a repeated or late samples event, also after a restart of this service) sets no gauge:
 * the orchestrator stores the experiment's result before announcing the end, so a stored result
 * is the durable sign. Setting and removing are serialized, so a gauge set while the end is being
 * heard is either removed with the others or never registered.
 */
@ApplicationScoped
public class MemorizationGauges {

    @Inject
    ObjectStore store;

    @Inject
    EventMeters meters;

    /** By experiment id, then by size and snapshot: the gauge and the summary it reads. */
    private final Map<String, Map<String, Held>> experiments = new HashMap<>();

    private record Held(Gauge gauge, AtomicReference<MemorizationSummary> summary) {
    }

    /** Shows the snapshot's summary, unless the run's experiment has ended. */
    synchronized void set(RunRef run, int snapshot, MemorizationSummary summary) {
        if (store.exists(StorageLayout.experimentResult(run.experimentId()))) {
            return;
        }
        String size = Integer.toString(run.size());
        String snapshotTag = Integer.toString(snapshot);
        experiments.computeIfAbsent(run.experimentId(), id -> new HashMap<>())
                .computeIfAbsent(size + "/" + snapshotTag, key -> {
                    AtomicReference<MemorizationSummary> latest = new AtomicReference<>(summary);
                    Gauge gauge = Gauge.builder("emm.memorization.ratio", latest, held -> held.get().ratio())
                            .tags(Tags.of("experiment", run.experimentId(), "size", size, "snapshot", snapshotTag))
                            .register(meters.registry());
                    return new Held(gauge, latest);
                })
                .summary().set(summary);
    }

    /** Removes the ended experiment's gauges; true when it had any. */
    synchronized boolean remove(String experimentId) {
        Map<String, Held> ended = experiments.remove(experimentId);
        if (ended == null) {
            return false;
        }
        ended.values().forEach(held -> meters.registry().remove(held.gauge()));
        return true;
    }
}
