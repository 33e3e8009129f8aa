package dev.emm.trainer;

import dev.emm.core.events.RunRef;
import dev.emm.djl.RunProgress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The per-run training meters (throughput, loss, images trained), tagged with the experiment and
 * run ids. They are removed when the run ends, so a trainer that has trained thousands of runs
 * exports only the active one's series.
 */
final class RunMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final AtomicReference<RunProgress> latest = new AtomicReference<>();
    private final Counter images;
    private final List<Meter> meters;
    private long countedImages;

    RunMeters(MeterRegistry registry, RunRef run) {
        this.registry = registry;
        Tags tags = Tags.of("experiment", run.experimentId(), "run", run.runId());
        this.images = Counter.builder("emm.training.images").tags(tags).register(registry);
        this.meters = List.of(
                Gauge.builder("emm.training.images.per.second", latest,
                        progress -> progress.get() == null ? 0 : progress.get().imagesPerSecond()).tags(tags).register(registry),
                Gauge.builder("emm.training.loss", latest,
                        progress -> progress.get() == null ? Double.NaN : progress.get().loss()).tags(tags).register(registry),
                images);
    }

    void record(RunProgress progress) {
        latest.set(progress);
        images.increment(progress.images() - countedImages);
        countedImages = progress.images();
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
