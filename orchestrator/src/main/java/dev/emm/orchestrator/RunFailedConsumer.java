package dev.emm.orchestrator;

import dev.emm.core.events.RunFailed;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.Topics;
import dev.emm.service.EventMeters;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A worker could not finish a run: the experiment it belongs to ends as failed. */
@ApplicationScoped
public class RunFailedConsumer {

    @Inject
    Orchestrator orchestrator;

    @Inject
    EventMeters meters;

    @Incoming("runs-failed")
    @Blocking
    public void onRunFailed(String payload) {
        orchestrator.onRunFailed(EventReader.read(payload, RunFailed.class, RunFailed.VERSION));
        meters.handled(Topics.RUNS_FAILED, "ok");
    }
}
