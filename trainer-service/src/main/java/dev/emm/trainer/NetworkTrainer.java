package dev.emm.trainer;

import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.RunProgress;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingOutcome;
import dev.emm.djl.TrainingRun;
import dev.emm.djl.UnusableCheckpointException;
import dev.emm.service.CancelledRuns;
import dev.emm.service.RunData;
import dev.emm.service.StageClock;
import dev.emm.store.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Trains a network run with DJL. Snapshots and checkpoints go to the object store as they are made,
 * each snapshot is announced at once (so sampling and the metric run while training goes on), and a
 * run that finds a checkpoint resumes from it. Its loss and training time go to its
 * {@link TrainingLogWriter training log}. A run whose final snapshot is stored is not trained
 * again: its snapshots are only announced again. A run the orchestrator cancels stops after its
 * current step and keeps a checkpoint, so a later request for it resumes where it stopped. A pod
 * being stopped (SIGTERM: a drain, a scale-down, an upgrade) does the same before it exits, so the
 * request, which comes back unacknowledged, resumes at the step where the pod stopped.
 */
@ApplicationScoped
public class NetworkTrainer {

    private static final Logger LOG = Logger.getLogger(NetworkTrainer.class);

    @Inject
    ObjectStore store;

    @Inject
    RunData runData;

    @Inject
    RunLease lease;

    @Inject
    MeterRegistry registry;

    @Inject
    CancelledRuns cancelledRuns;

    /** How long a stopping pod waits for its training to store a checkpoint (below the pod's grace period). */
    @ConfigProperty(name = "emm.trainer.shutdown-checkpoint-seconds", defaultValue = "100")
    long shutdownCheckpointSeconds;

    /** Minimum time between progress reports (TrainingRun's default; 0 reports every step). */
    @ConfigProperty(name = "emm.trainer.progress-interval-millis", defaultValue = "2000")
    long progressIntervalMillis;

    /**
     * The training in progress, whether the orchestrator cancelled it, and a latch released once
     * the training has stopped, stored what it keeps (checkpoint or final snapshot) and released
     * its lease (a lease left behind would hold the next trainer off until it expires).
     */
    private record Active(String runId, TrainingRun training, AtomicBoolean cancelled, CountDownLatch stopped) {
    }

    private final AtomicReference<Active> active = new AtomicReference<>();

    public RunOutcome train(RunRef run, Consumer<SnapshotSaved> announce, Consumer<TrainingProgress> report) {
        StageClock clock = StageClock.start();
        TrainingSubset subset = runData.trainingSubset(run);
        String checkpointKey = StorageLayout.runCheckpoint(run.experimentId(), run.runId());
        CountDownLatch stopped = new CountDownLatch(1);
        lease.acquire(run);
        try {
            byte[] checkpoint = store.find(checkpointKey).orElse(null);
            try (TrainingRun training = start(run, subset, checkpoint, checkpointKey)) {
                int planned = training.plannedSnapshots();
                if (store.exists(snapshotKey(run, planned))) {
                    announceStored(run, planned, planned, announce);
                    return RunOutcome.ALREADY_STORED;
                }
                announceStored(run, planned - 1, planned, announce);
                LOG.infof("run %s: training %d steps (%d images, %d snapshots) on %s%s", run.runId(),
                        training.totalSteps(), training.totalImages(), planned, training.device(),
                        checkpoint == null ? "" : ", resumed at step " + training.step());
                TrainingLogWriter log = new TrainingLogWriter(store, run, training.step(), clock);
                Active current = new Active(run.runId(), training, new AtomicBoolean(), stopped);
                active.set(current);
                // The orchestrator marks a run before announcing its cancellation: a cancellation that
                // arrived before this training was active is seen here.
                if (cancelledRuns.cancelled(run.experimentId(), run.runId())) {
                    LOG.infof("run %s: cancelled before it started; not trained", run.runId());
                    return RunOutcome.CANCELLED;
                }
                TrainingOutcome outcome;
                try (RunMeters meters = new RunMeters(registry, run)) {
                    outcome = training.run(listener(run, planned, meters, log, announce, report));
                }
                log.save();
                if (!outcome.completed()) {
                    store.put(checkpointKey, training.checkpoint());
                    if (current.cancelled().get()) {
                        LOG.infof("run %s: cancelled, stopped at step %d of %d (%d images); checkpoint kept",
                                run.runId(), outcome.step(), training.totalSteps(), outcome.images());
                        return RunOutcome.CANCELLED;
                    }
                    throw new TrainingInterruptedException("training of " + run.runId() + " stopped at step "
                            + outcome.step() + "; it resumes from the checkpoint written at the stop");
                }
                store.delete(checkpointKey);
                return RunOutcome.TRAINED;
            } finally {
                active.set(null);
            }
        } finally {
            lease.release(run);
            stopped.countDown();
        }
    }

    /**
     * The run's training, resumed from {@code checkpoint} when there is one. A checkpoint it cannot
     * resume from fails the run with the object named: training it again from the start would
     * silently throw away what the checkpoint held, so an operator decides (delete it to do so).
     */
    private TrainingRun start(RunRef run, TrainingSubset subset, byte[] checkpoint, String checkpointKey) {
        try {
            return new TrainingRun(run.spec().model(), run.spec().training(), subset.images(), subset.images().labels(),
                    subset.labelDim(), checkpoint, new TrainingRun.Options(null, progressIntervalMillis));
        } catch (UnusableCheckpointException e) {
            throw new IllegalArgumentException("checkpoint " + checkpointKey + " (" + checkpoint.length
                    + " bytes) cannot be resumed from: " + e.getMessage() + "; delete it to train the run from the start",
                    e);
        }
    }

    private TrainingListener listener(RunRef run, int planned, RunMeters meters, TrainingLogWriter log,
            Consumer<SnapshotSaved> announce, Consumer<TrainingProgress> report) {
        return new TrainingListener() {
            @Override
            public void progress(RunProgress progress) {
                meters.record(progress);
                log.progress(progress);
                double eta = progress.imagesPerSecond() > 0
                        ? (progress.totalImages() - progress.images()) / progress.imagesPerSecond() : -1;
                report.accept(new TrainingProgress(TrainingProgress.VERSION, run.experimentId(), run.runId(),
                        progress.step(), progress.totalSteps(), progress.images(), progress.loss(),
                        progress.imagesPerSecond(), eta));
                lease.renew(run);
            }

            @Override
            public void snapshot(int index, byte[] modelBytes) {
                String key = snapshotKey(run, index);
                store.put(key, modelBytes);
                log.save();
                announce.accept(SnapshotSaved.of(run, index, index == planned, key));
            }

            @Override
            public void checkpoint(byte[] checkpointBytes) {
                store.put(StorageLayout.runCheckpoint(run.experimentId(), run.runId()), checkpointBytes);
                log.save();
                lease.renew(run);
            }
        };
    }

    /** Announces stored snapshots 1..upTo again, so a resumed run's earlier snapshots are not lost downstream. */
    private void announceStored(RunRef run, int upTo, int planned, Consumer<SnapshotSaved> announce) {
        for (int index = 1; index <= upTo; index++) {
            String key = snapshotKey(run, index);
            if (store.exists(key)) {
                announce.accept(SnapshotSaved.of(run, index, index == planned, key));
            }
        }
    }

    private static String snapshotKey(RunRef run, int index) {
        return StorageLayout.snapshotModel(run.experimentId(), run.runId(), index);
    }

    /** The orchestrator needs no more of the run: if it is training here, it stops after the current step. */
    public void cancel(String runId, String reason) {
        Active current = active.get();
        if (current != null && current.runId().equals(runId)) {
            LOG.infof("run %s cancelled (%s): stopping at step %d", runId, reason, current.training().step());
            current.cancelled().set(true);
            current.training().cancel();
        }
    }

    /**
     * A pod being stopped cancels its training and waits until the training has stored its
     * checkpoint (the step in progress ends first), so the request, which comes back
     * unacknowledged, resumes from that step. Observed before the messaging connectors and the
     * store are closed; the wait is bounded to stay inside the pod's termination grace period.
     */
    void checkpointOnShutdown(@Observes ShutdownEvent shutdown) {
        Active current = active.get();
        if (current == null) {
            return;
        }
        long start = System.nanoTime();
        LOG.infof("shutting down: stopping run %s at step %d to store a checkpoint", current.runId(),
                current.training().step());
        current.training().cancel();
        try {
            if (current.stopped().await(shutdownCheckpointSeconds, TimeUnit.SECONDS)) {
                LOG.infof("shutting down: run %s stopped at step %d and released within %d ms", current.runId(),
                        current.training().step(), (System.nanoTime() - start) / 1_000_000);
            } else {
                LOG.errorf("shutting down: run %s did not store its checkpoint within %d s; it resumes from its "
                        + "last periodic checkpoint", current.runId(), shutdownCheckpointSeconds);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
