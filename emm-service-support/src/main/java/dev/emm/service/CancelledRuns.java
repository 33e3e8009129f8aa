package dev.emm.service;

import dev.emm.core.events.RunCancelled;
import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The cancelled marker of a run in the store: the orchestrator sets it before announcing a
 * {@link RunCancelled} and clears it before requesting the run, and every worker skips the queued
 * work of a marked run. A marker outlives any consumer restart and any missed event.
 */
@ApplicationScoped
public class CancelledRuns {

    private static final Logger LOG = Logger.getLogger(CancelledRuns.class);

    @Inject
    ObjectStore store;

    @Inject
    EventMeters meters;

    public void mark(RunCancelled cancellation) {
        store.put(StorageLayout.runCancelled(cancellation.experimentId(), cancellation.runId()),
                Json.toBytes(cancellation));
    }

    public void clear(RunRef run) {
        store.delete(StorageLayout.runCancelled(run.experimentId(), run.runId()));
    }

    public boolean cancelled(String experimentId, String runId) {
        return store.exists(StorageLayout.runCancelled(experimentId, runId));
    }

    /** True, logged and counted as skipped, when the run is cancelled and its {@code stage} must not start. */
    public boolean skip(RunRef run, String stage, String topic) {
        if (!cancelled(run.experimentId(), run.runId())) {
            return false;
        }
        LOG.infof("%s of run %s skipped: the run is cancelled", stage, run.runId());
        meters.handled(topic, "skipped");
        return true;
    }
}
