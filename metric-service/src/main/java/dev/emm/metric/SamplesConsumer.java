package dev.emm.metric;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.SamplesReady;
import dev.emm.core.events.EventReader;
import dev.emm.core.events.SamplesRequested;
import dev.emm.core.events.StageTime;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.core.metric.SequentialSampling;
import dev.emm.core.storage.StorageLayout;
import dev.emm.metric.fast.FastNearestNeighbours;
import dev.emm.metric.fast.FastNearestNeighbours.Kernel;
import dev.emm.metric.fast.KernelChoice;
import dev.emm.service.CancelledRuns;
import dev.emm.service.EventMeters;
import dev.emm.service.EventPublisher;
import dev.emm.service.RunData;
import dev.emm.service.RunStage;
import dev.emm.service.StageClock;
import dev.emm.store.ObjectStore;
import io.micrometer.core.instrument.Tags;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Measures each snapshot's samples against exactly the run's training subset and stores the
 * per-sample distances and the summary of the samples measured; with sequential sampling on, asks
 * the sampler for more samples while the snapshot is undecided (docs/CONTRACTS.md). A repeated
 * event republishes the stored result, and the samples of a cancelled run are skipped.
 */
@ApplicationScoped
public class SamplesConsumer {

    private static final Logger LOG = Logger.getLogger(SamplesConsumer.class);

    @Inject
    ObjectStore store;

    @Inject
    RunData runData;

    @Inject
    EventMeters meters;

    @Inject
    CancelledRuns cancelledRuns;

    @Inject
    MemorizationGauges gauges;

    @Inject
    @Channel("metric-results")
    MutinyEmitter<Record<String, String>> results;

    @Inject
    @Channel("samples-requests")
    MutinyEmitter<Record<String, String>> moreSamples;

    @Inject
    @Channel("runs-failed")
    MutinyEmitter<Record<String, String>> failures;

    private final AtomicBoolean kernelExported = new AtomicBoolean();

    @Incoming("samples-ready")
    @Blocking
    public void onSamples(String payload) {
        SamplesReady ready = EventReader.read(payload, SamplesReady.class, SamplesReady.VERSION);
        RunStage.execute("metric", Topics.SAMPLES_READY, ready.run(), meters, cancelledRuns, failures,
                () -> measure(ready));
    }

    /**
     * Measures the first {@code sampleCount} samples (only those not measured yet) and asks the
     * experiment's {@link SequentialSampling} rule what next: a decided snapshot's summary is
     * published, an undecided one's sampler is asked for more samples. A repeated event finds a
     * summary of at least as many samples stored and takes the same step again from it.
     */
    private void measure(SamplesReady ready) {
        StageClock clock = StageClock.start();
        RunRef run = ready.run();
        String summaryKey = StorageLayout.snapshotMetric(run.experimentId(), run.runId(), ready.snapshot());
        String distancesKey = StorageLayout.snapshotDistances(run.experimentId(), run.runId(), ready.snapshot());
        MemorizationSummary summary = runData.storedSummary(summaryKey)
                .filter(stored -> stored.sampleCount() >= ready.sampleCount())
                .orElseGet(() -> {
                    MemorizationSummary measured = measureFirst(ready, distancesKey);
                    store.put(summaryKey, Json.toBytes(measured));
                    return measured;
                });
        LOG.infof("run %s snapshot %d (|D| = %d): memorization ratio %.4f [%.4f, %.4f] of %d samples", run.runId(),
                ready.snapshot(), run.size(), summary.ratio(), summary.ciLow(), summary.ciHigh(), summary.sampleCount());
        StageTime metric = StageTime.sum(ready.metric(), clock.elapsed());
        int next = SequentialSampling.of(run.spec()).nextCount(summary);
        if (next > summary.sampleCount()) {
            EventPublisher.publish(moreSamples, run.runId(), SamplesRequested.of(run, ready.snapshot(), ready.last(),
                    ready.snapshotKey(), next, ready.sampling(), metric));
            return;
        }
        gauges.set(run, ready.snapshot(), summary);
        EventPublisher.publish(results, run.runId(),
                MetricComputed.of(run, ready.snapshot(), ready.last(), summary, distancesKey, ready.sampling(), metric));
    }

    /**
     * Stores the distances of exactly the first {@code sampleCount} samples, measuring only those
     * after the ones already stored (a sample's distances depend on it alone), and returns their summary.
     */
    private MemorizationSummary measureFirst(SamplesReady ready, String distancesKey) {
        int count = ready.sampleCount();
        NeighbourDistances kept = store.find(distancesKey).map(NeighbourDistances::fromBytes)
                .map(stored -> stored.first(Math.min(stored.size(), count)))
                .orElse(NeighbourDistances.NONE);
        NeighbourDistances distances = kept;
        if (kept.size() < count) {
            ImageSet samples = runData.readImageSet(ready.samplesKey()).range(kept.size(), count);
            ImageSet training = runData.trainingSubset(ready.run()).images();
            distances = kept.followedBy(FastNearestNeighbours.nearestTwo(samples, training));
            exportKernelChoice();
        }
        store.put(distancesKey, distances.toBytes());
        return distances.summary();
    }

    /**
     * The metric's kernel, chosen by measurement at its first use in this process, as two
     * gauges: the measured rate of each product (G/s), tagged with the kernel and whether it was
     * chosen.
     */
    private void exportKernelChoice() {
        if (!kernelExported.compareAndSet(false, true)) {
            return;
        }
        KernelChoice choice;
        try {
            choice = KernelChoice.on(Device.cpu());
        } catch (RuntimeException | LinkageError e) {
            // no engine on this platform: the metric ran on the core's exact scan, no kernel to report
            LOG.warnf("no metric kernel to export (%s)", e.toString());
            return;
        }
        for (Kernel kernel : Kernel.values()) {
            meters.registry().gauge("emm.metric.kernel.rate", Tags.of("kernel", kernel.name(), "chosen",
                    Boolean.toString(kernel == choice.kernel())), choice,
                    c -> kernel == Kernel.INT8 ? c.int8Rate() : c.float32Rate());
        }
    }
}
