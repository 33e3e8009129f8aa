package dev.emm.orchestrator;

import dev.emm.core.events.ExperimentCancelRequested;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.Topics;
import dev.emm.service.EventMeters;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Cancellations through Kafka: an {@code ExperimentCancelRequested}, or any record keyed by the
 * experiment id with an empty value. Each record is acknowledged once handled: a repeat finds the
 * experiment finished and changes nothing, and a record naming no known experiment, or none at all,
 * is logged and dropped (there is nothing it could cancel later). A value that is no
 * {@code ExperimentCancelRequested} of a known version goes to the dead-letter topic.
 */
@ApplicationScoped
public class CancelConsumer {

    private static final Logger LOG = Logger.getLogger(CancelConsumer.class);

    @Inject
    Orchestrator orchestrator;

    @Inject
    EventMeters meters;

    @Incoming("cancel-requests")
    @Blocking
    public void onCancelRequested(ConsumerRecord<String, String> record) {
        String experimentId = record.key();
        if (record.value() != null && !record.value().isBlank()) {
            ExperimentCancelRequested request = EventReader.read(record.value(), ExperimentCancelRequested.class,
                    ExperimentCancelRequested.VERSION);
            experimentId = request.experimentId() != null ? request.experimentId() : record.key();
        }
        if (experimentId == null || orchestrator.cancel(experimentId).isEmpty()) {
            LOG.warnf("cancel request at offset %d names no known experiment (%s), dropped", record.offset(),
                    experimentId);
            meters.handled(Topics.EXPERIMENTS_CANCEL_REQUESTS, "unknown");
            return;
        }
        meters.handled(Topics.EXPERIMENTS_CANCEL_REQUESTS, "ok");
    }
}
