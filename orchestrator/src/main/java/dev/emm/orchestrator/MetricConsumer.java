package dev.emm.orchestrator;

import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.Topics;
import dev.emm.service.EventMeters;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** A snapshot's memorization ratio from the metric service: it advances the experiment's search. */
@ApplicationScoped
public class MetricConsumer {

    @Inject
    Orchestrator orchestrator;

    @Inject
    EventMeters meters;

    @Incoming("metric-results")
    @Blocking
    public void onMetric(String payload) {
        orchestrator.onMetric(EventReader.read(payload, MetricComputed.class, MetricComputed.VERSION));
        meters.handled(Topics.METRIC_RESULTS, "ok");
    }
}
