package dev.emm.orchestrator;

import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.json.Json;
import dev.emm.service.EventMeters;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** What the workers report back: metrics advance the search, failures end it, progress is shown. */
@ApplicationScoped
public class ResultConsumers {

    @Inject
    Orchestrator orchestrator;

    @Inject
    EventMeters meters;

    @Incoming("metric-results")
    @Blocking
    public void onMetric(String payload) {
        orchestrator.onMetric(Json.read(payload, MetricComputed.class));
        meters.handled(Topics.METRIC_RESULTS, "ok");
    }

    @Incoming("runs-failed")
    @Blocking
    public void onRunFailed(String payload) {
        orchestrator.onRunFailed(Json.read(payload, RunFailed.class));
        meters.handled(Topics.RUNS_FAILED, "ok");
    }

    @Incoming("training-progress")
    public void onTrainingProgress(String payload) {
        orchestrator.onTrainingProgress(Json.read(payload, TrainingProgress.class));
    }
}
