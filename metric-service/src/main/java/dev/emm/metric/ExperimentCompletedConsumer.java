package dev.emm.metric;

import dev.emm.core.events.EventReader;
import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.Topics;
import dev.emm.service.EventMeters;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * An experiment has ended (any status, cancelled and failed included): its
 * {@code emm_memorization_ratio} series are removed, so a long-lived metric service exports only
 * the running experiments' snapshots. A record that is no {@link ExperimentCompleted} of a known
 * version goes to the dead-letter topic.
 */
@ApplicationScoped
public class ExperimentCompletedConsumer {

    private static final Logger LOG = Logger.getLogger(ExperimentCompletedConsumer.class);

    @Inject
    MemorizationGauges gauges;

    @Inject
    EventMeters meters;

    @Incoming("experiments-completed")
    @Blocking
    public void onCompleted(String payload) {
        ExperimentCompleted completed = EventReader.read(payload, ExperimentCompleted.class, ExperimentCompleted.VERSION);
        String experimentId = completed.result().experimentId();
        if (gauges.remove(experimentId)) {
            LOG.infof("experiment %s ended (%s): its memorization ratio gauges are removed", experimentId,
                    completed.result().status());
        }
        meters.handled(Topics.EXPERIMENTS_COMPLETED, "ok");
    }
}
