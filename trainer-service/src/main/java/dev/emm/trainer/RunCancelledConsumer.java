package dev.emm.trainer;

import dev.emm.core.events.RunCancelled;
import dev.emm.core.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every trainer instance reads every cancellation (a consumer group of its own) and stops its
 * training if it is the cancelled run. Only setting a flag, it runs on the connector's thread,
 * never queued behind the training that holds the train-requests channel. An unreadable record is
 * logged and dropped: failing the channel would stop every later cancellation, and the run's
 * cancelled marker still stops queued work.
 */
@ApplicationScoped
public class RunCancelledConsumer {

    private static final Logger LOG = Logger.getLogger(RunCancelledConsumer.class);

    @Inject
    NetworkTrainer networkTrainer;

    @Incoming("runs-cancelled")
    public void onRunCancelled(String payload) {
        if (payload == null || payload.isBlank()) {
            LOG.warn("empty record on emm.runs.cancelled dropped");
            return;
        }
        RunCancelled cancellation;
        try {
            cancellation = Json.read(payload, RunCancelled.class);
        } catch (Json.MalformedJsonException unreadable) {
            LOG.warnf("unreadable record on emm.runs.cancelled dropped: %s", unreadable.getMessage());
            return;
        }
        networkTrainer.cancel(cancellation.runId(), cancellation.reason());
    }
}
