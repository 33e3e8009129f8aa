package dev.emm.orchestrator;

import dev.emm.core.events.EventReader;
import dev.emm.core.events.TrainingProgress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A trainer's progress through a run, shown with the experiment; it changes no search state. */
@ApplicationScoped
public class TrainingProgressConsumer {

    @Inject
    Orchestrator orchestrator;

    @Incoming("training-progress")
    public void onTrainingProgress(String payload) {
        orchestrator.onTrainingProgress(EventReader.read(payload, TrainingProgress.class, TrainingProgress.VERSION));
    }
}
