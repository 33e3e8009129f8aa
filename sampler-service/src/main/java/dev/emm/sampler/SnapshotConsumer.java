package dev.emm.sampler;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.SamplesReady;
import dev.emm.core.events.SamplesRequested;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.StageTime;
import dev.emm.core.events.Topics;
import dev.emm.core.metric.SequentialSampling;
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
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.jboss.logging.Logger;

/**
 * Generates and stores the samples of each snapshot: on {@link SnapshotSaved} the first count of the
 * experiment's {@link SequentialSampling} rule (the spec's whole sample count unless sequential
 * sampling is on), on {@link SamplesRequested} (the metric asks for more) the stored samples extended
 * to the requested count. Only samples not yet stored are drawn, so a repeated event draws nothing
 * and announces the stored samples again; work of a cancelled run is skipped. Samples drawn are
 * counted ({@code emm_samples_drawn_total}). Both inputs run on one worker pool of one thread
 * (application.properties), so the service samples one thing at a time as it did with one input.
 */
@ApplicationScoped
public class SnapshotConsumer {

    static final String SAMPLING_POOL = "sampling";

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
    @Blocking(SAMPLING_POOL)
    public void onSnapshot(String payload) {
        SnapshotSaved snapshot = EventReader.read(payload, SnapshotSaved.class, SnapshotSaved.VERSION);
        RunStage.execute("sample", Topics.SNAPSHOTS_SAVED, snapshot.run(), meters, cancelledRuns, failures,
                () -> sample(snapshot.run(), snapshot.snapshot(), snapshot.last(), snapshot.snapshotKey(),
                        SequentialSampling.of(snapshot.run().spec()).firstCount(), null, null));
    }

    @Incoming("samples-requests")
    @Blocking(SAMPLING_POOL)
    public void onMoreSamples(String payload) {
        SamplesRequested request = EventReader.read(payload, SamplesRequested.class, SamplesRequested.VERSION);
        RunStage.execute("sample", Topics.SAMPLES_REQUESTS, request.run(), meters, cancelledRuns, failures,
                () -> sample(request.run(), request.snapshot(), request.last(), request.snapshotKey(),
                        request.sampleCount(), request.sampling(), request.metric()));
    }

    /**
     * Stores at least {@code count} samples of the snapshot (drawing only those missing) and announces
     * the first {@code count}, with the snapshot's sampling time so far and its earlier metric time.
     */
    private void sample(RunRef run, int snapshot, boolean last, String snapshotKey, int count,
            StageTime samplingBefore, StageTime metricBefore) {
        StageClock clock = StageClock.start();
        String key = StorageLayout.snapshotSamples(run.experimentId(), run.runId(), snapshot);
        Optional<ImageSet> stored = store.exists(key) ? Optional.of(runData.readImageSet(key)) : Optional.empty();
        int have = stored.map(ImageSet::size).orElse(0);
        if (have < count) {
            ImageSet drawn = draw(run, snapshot, snapshotKey, have, count);
            store.put(key, ImageSetCodec.toBytes(stored.map(first -> first.followedBy(drawn)).orElse(drawn)));
            meters.registry().counter("emm.samples.drawn").increment(drawn.size());
        }
        EventPublisher.publish(samplesReady, run.runId(), SamplesReady.of(run, snapshot, last, key, count,
                StageTime.sum(samplingBefore, clock.elapsed()), snapshotKey, metricBefore));
    }

    /** Samples {@code from .. to - 1} of the snapshot. */
    private ImageSet draw(RunRef run, int snapshot, String snapshotKey, int from, int to) {
        EdmHeunSampler sampler = new EdmHeunSampler(run.spec().sampling());
        int count = to - from;
        int reportEvery = Math.max(1, count / 10);
        IntConsumer progress = done -> {
            if (done % reportEvery < run.spec().sampling().batchSize() || done == count) {
                LOG.infof("run %s snapshot %d: %d/%d samples", run.runId(), snapshot, from + done, to);
            }
        };
        if (run.spec().model().isOptimum()) {
            ImageSet training = runData.readImageSet(snapshotKey);
            var denoiser = new OptimalDenoiser(training, TrainingSubset.labelDim(run.spec().data(), run.size()));
            return sampler.sampleRange(denoiser, training.channels(), training.height(), from, to, progress);
        }
        try (NetworkDenoiser denoiser = new NetworkDenoiser(store.get(snapshotKey))) {
            return sampler.sampleRange(denoiser, denoiser.header().imageChannels(), denoiser.header().resolution(),
                    from, to, progress);
        }
    }
}
