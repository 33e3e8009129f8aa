package dev.emm.orchestrator;

import dev.emm.core.events.ExperimentRejected;
import dev.emm.core.events.Topics;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.orchestrator.datasets.DatasetChecks;
import dev.emm.service.EventMeters;
import dev.emm.service.EventPublisher;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Experiments and sweeps submitted through Kafka. A record that cannot become an experiment yields a
 * rejection event and is then nacked, which sends it to the dead-letter topic; the consumer
 * carries on with the next record.
 */
@ApplicationScoped
public class SpecConsumer {

    private static final Logger LOG = Logger.getLogger(SpecConsumer.class);

    @Inject
    Orchestrator orchestrator;

    @Inject
    SweepCoordinator sweeps;

    @Inject
    EventMeters meters;

    @Inject
    DatasetChecks datasetChecks;

    @Inject
    @Channel("experiments-rejected")
    MutinyEmitter<Record<String, String>> rejections;

    @Incoming("experiment-specs")
    @Blocking
    public void onSubmitted(ConsumerRecord<String, byte[]> record) {
        try {
            SubmissionReader.Submission submission = SubmissionReader.read(record.value(), record.key());
            if (submission.isSweep()) {
                datasetChecks.checkSweep(submission.id(), submission.sweep(), submission.fieldPrefix());
                sweeps.submit(submission.id(), submission.sweep());
            } else {
                datasetChecks.check(submission.id(), submission.spec(), submission.fieldPrefix());
                orchestrator.submit(submission.id(), submission.spec());
            }
            meters.handled(Topics.EXPERIMENTS_SUBMITTED, "accepted");
        } catch (InvalidSpecException e) {
            reject(record, e.field(), e.getMessage());
            throw e;
        } catch (SubmissionTooLargeException e) {
            reject(record, "$", e.getMessage());
            throw e;
        }
    }

    private void reject(ConsumerRecord<String, byte[]> record, String field, String reason) {
        LOG.warnf("rejected experiment record at offset %d (key %s): %s", record.offset(), record.key(), reason);
        String key = record.key() == null ? "offset-" + record.offset() : record.key();
        EventPublisher.publish(rejections, key, ExperimentRejected.of(record.key(), field, reason));
        meters.handled(Topics.EXPERIMENTS_SUBMITTED, "rejected");
    }
}
