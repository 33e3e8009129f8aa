package dev.emm.sampler;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.SamplesReady;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.Topics;
import dev.emm.core.optimum.OptimalDenoiser;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.NetworkDenoiser;
import dev.emm.service.CancelledRuns;
import dev.emm.service.EventMeters;
import dev.emm.service.EventPublisher;
import dev.emm.service.RunData;
import dev.emm.service.RunStage;
import dev.emm.service.StageClock;
import dev.emm.store.ObjectStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Generates and stores the samples of each snapshot; a repeated snapshot event reuses stored samples,
 * and a snapshot of a cancelled run is skipped.
 */
@ApplicationScoped
public class SnapshotConsumer {

    private static final Logger LOG = Logger.getLogger(SnapshotConsumer.class);

    @Inject
    ObjectStore store;

    @Inject
    RunData runData;

    @Inject
    EventMeters meters;

    @Inject
    CancelledRuns cancelledRuns;

    @Inject
    @Channel("samples-ready")
    MutinyEmitter<Record<String, String>> samplesReady;

    @Inject
    @Channel("runs-failed")
    MutinyEmitter<Record<String, String>> failures;

    @Incoming("snapshots-saved")
    @Blocking
    public void onSnapshot(String payload) {
        SnapshotSaved snapshot = EventReader.read(payload, SnapshotSaved.class, SnapshotSaved.VERSION);
        RunStage.execute("sample", Topics.SNAPSHOTS_SAVED, snapshot.run(), meters, cancelledRuns, failures,
                () -> sample(snapshot));
    }

    private void sample(SnapshotSaved snapshot) {
        StageClock clock = StageClock.start();
        RunRef run = snapshot.run();
        String key = StorageLayout.snapshotSamples(run.experimentId(), run.runId(), snapshot.snapshot());
        int count = run.spec().sampling().sampleCount();
        if (!store.exists(key)) {
            EdmHeunSampler sampler = new EdmHeunSampler(run.spec().sampling());
            int reportEvery = Math.max(1, count / 10);
            IntConsumer progress = done -> {
                if (done % reportEvery < run.spec().sampling().batchSize() || done == count) {
                    LOG.infof("run %s snapshot %d: %d/%d samples", run.runId(), snapshot.snapshot(), done, count);
                }
            };
            ImageSet samples;
            if (run.spec().model().isOptimum()) {
                ImageSet training = runData.readImageSet(snapshot.snapshotKey());
                var denoiser = new OptimalDenoiser(training, TrainingSubset.labelDim(run.spec().data(), run.size()));
                samples = sampler.sampleAll(denoiser, training.channels(), training.height(), progress);
            } else {
                try (NetworkDenoiser denoiser = new NetworkDenoiser(store.get(snapshot.snapshotKey()))) {
                    samples = sampler.sampleAll(denoiser, denoiser.header().imageChannels(),
                            denoiser.header().resolution(), progress);
                }
            }
            store.put(key, ImageSetCodec.toBytes(samples));
        }
        EventPublisher.publish(samplesReady, run.runId(),
                SamplesReady.of(run, snapshot.snapshot(), snapshot.last(), key, count, clock.elapsed()));
    }
}
