package dev.emm.trainer;

import dev.emm.core.events.EventReader;
import dev.emm.core.events.RunCancelled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every trainer instance reads every cancellation (a consumer group of its own) and stops its
 * training if it is the cancelled run. Only setting a flag, it runs on the connector's thread,
 * never queued behind the training that holds the train-requests channel. An unreadable record
 * goes to the dead-letter topic (from every trainer, each reads every record): failing the channel
 * would stop every later cancellation, and the run's cancelled marker still stops queued work.
 */
@ApplicationScoped
public class RunCancelledConsumer {

    @Inject
    NetworkTrainer networkTrainer;

    @Incoming("runs-cancelled")
    public void onRunCancelled(String payload) {
        RunCancelled cancellation = EventReader.read(payload, RunCancelled.class, RunCancelled.VERSION);
        networkTrainer.cancel(cancellation.runId(), cancellation.reason());
    }
}
