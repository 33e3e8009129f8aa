package dev.emm.trainer;

import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.training.TrainingLog;
import dev.emm.djl.RunProgress;
import dev.emm.service.StageClock;
import dev.emm.store.ObjectStore;

/**
 * Keeps a network run's {@link TrainingLog} in the store: a run resumed from its checkpoint goes
 * on with the stored log (its points up to the checkpoint, the time of every earlier attempt), and
 * the log is stored with each snapshot and checkpoint and when training stops, so the points of
 * every stored snapshot are in it.
 */
final class TrainingLogWriter {

    private final ObjectStore store;
    private final String key;
    private final StageClock clock;
    private final TrainingLog earlier;
    private TrainingLog log;

    /** {@code clock} started with this attempt; {@code resumedStep} is the checkpoint's step (0: from scratch). */
    TrainingLogWriter(ObjectStore store, RunRef run, long resumedStep, StageClock clock) {
        this.store = store;
        this.key = StorageLayout.runTrainingLog(run.experimentId(), run.runId());
        this.clock = clock;
        this.earlier = store.find(key).map(bytes -> Json.read(bytes, TrainingLog.class))
                .orElse(TrainingLog.start(run.runId())).resumedAt(resumedStep);
        this.log = earlier;
    }

    void progress(RunProgress progress) {
        log = log.with(new TrainingLog.LossPoint(progress.step(), progress.images(), progress.loss()));
    }

    void save() {
        store.put(key, Json.toBytes(log.spent(earlier.training().plus(clock.elapsed()))));
    }
}
