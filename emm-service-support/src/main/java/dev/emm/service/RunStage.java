package dev.emm.service;

import dev.emm.core.events.RunFailed;
import dev.emm.core.events.RunRef;
import dev.emm.store.ObjectNotFoundException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import org.jboss.logging.Logger;

/**
 * Runs one stage of one run (train, sample, metric), timed, unless the run is cancelled (then the
 * queued work is skipped, logged and counted). A run that cannot go on (bad input,
 * missing data) is reported as {@link RunFailed} so the experiment fails with the reason instead
 * of waiting; infrastructure errors propagate, so the record is not acknowledged and comes back.
 */
public final class RunStage {

    private static final Logger LOG = Logger.getLogger(RunStage.class);

    private RunStage() {
    }

    public static void execute(String stage, String topic, RunRef run, EventMeters meters, CancelledRuns cancelledRuns,
            MutinyEmitter<Record<String, String>> failures, Runnable work) {
        if (cancelledRuns.skip(run, stage, topic)) {
            return;
        }
        try {
            meters.timeStage(stage, () -> {
                work.run();
                return null;
            });
            meters.handled(topic, "ok");
        } catch (IllegalArgumentException | IllegalStateException | ObjectNotFoundException e) {
            LOG.errorf("%s of run %s failed: %s", stage, run.runId(), e.getMessage());
            EventPublisher.publish(failures, run.runId(), RunFailed.of(run, stage, e.getMessage()));
            meters.handled(topic, "failed");
        }
    }
}
