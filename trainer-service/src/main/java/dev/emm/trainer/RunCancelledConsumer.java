package dev.emm.trainer;

import dev.emm.core.events.RunCancelled;
import dev.emm.core.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every trainer instance reads every cancellation (a consumer group of its own) and stops its
 * training if it is the cancelled run. Only setting a flag, it runs on the connector's thread,
 * never queued behind the training that holds the train-requests channel.
 */
@ApplicationScoped
public class RunCancelledConsumer {

    @Inject
    NetworkTrainer networkTrainer;

    @Incoming("runs-cancelled")
    public void onRunCancelled(String payload) {
        RunCancelled cancellation = Json.read(payload, RunCancelled.class);
        networkTrainer.cancel(cancellation.runId(), cancellation.reason());
    }
}
