package dev.emm.trainer;

import dev.emm.core.events.RunRef;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.service.CancelledRuns;
import dev.emm.service.EventMeters;
import dev.emm.service.EventPublisher;
import dev.emm.service.RunStage;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes train requests one at a time. A repeated request finds its snapshots already stored and
 * only announces them again, so at-least-once delivery never trains a run twice. A request for a
 * run the orchestrator has cancelled is skipped.
 */
@ApplicationScoped
public class TrainRequestConsumer {

    private static final Logger LOG = Logger.getLogger(TrainRequestConsumer.class);

    @Inject
    OptimumTrainer optimumTrainer;

    @Inject
    NetworkTrainer networkTrainer;

    @Inject
    EventMeters meters;

    @Inject
    CancelledRuns cancelledRuns;

    @Inject
    @Channel("snapshots-saved")
    MutinyEmitter<Record<String, String>> snapshots;

    @Inject
    @Channel("runs-failed")
    MutinyEmitter<Record<String, String>> failures;

    @Inject
    @Channel("training-progress")
    MutinyEmitter<Record<String, String>> progress;

    @Incoming("train-requests")
    @Blocking
    public void onTrainRequest(String payload) {
        RunRef run = EventReader.read(payload, TrainRequested.class, TrainRequested.VERSION).run();
        RunStage.execute("train", Topics.TRAIN_REQUESTS, run, meters, cancelledRuns, failures, () -> train(run));
    }

    private void train(RunRef run) {
        RunOutcome outcome;
        if (run.spec().model().isOptimum()) {
            OptimumTrainer.Outcome trained = optimumTrainer.train(run);
            trained.snapshots().forEach(this::announce);
            outcome = trained.trained() ? RunOutcome.TRAINED : RunOutcome.ALREADY_STORED;
        } else {
            outcome = networkTrainer.train(run, this::announce,
                    report -> progress.sendAndForget(Record.of(report.runId(), Json.toString(report))));
        }
        meters.registry().counter("emm.training.runs", "outcome", outcome.tag()).increment();
        LOG.infof("run %s: %s", run.runId(), switch (outcome) {
            case TRAINED -> "trained";
            case ALREADY_STORED -> "already stored, snapshots announced again";
            case CANCELLED -> "cancelled";
        });
    }

    private void announce(SnapshotSaved snapshot) {
        EventPublisher.publish(snapshots, snapshot.run().runId(), snapshot);
    }
}
