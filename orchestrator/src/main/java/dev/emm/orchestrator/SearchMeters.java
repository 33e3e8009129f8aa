package dev.emm.orchestrator;

import dev.emm.core.events.TrainRequested;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.search.SizePoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running experiment's search as meters, so that Grafana draws the report's ratio-vs-|D| chart
 * from the same numbers: {@code emm_search_ratio{experiment,size}}, the ratio of each measured size
 * (its run's best snapshot, as the report's points), {@code emm_search_threshold{experiment}},
 * 1 - eps, and {@code emm_search_probes_total{experiment}}, the runs requested. An experiment's
 * meters are removed when it finishes (any status, cancelled and failed included), so a long-lived
 * orchestrator exports only the running experiments' series; a finished state registers nothing
 * (the dashboard keeps a finished experiment's last values with last_over_time, docs/OPERATIONS.md).
 */
@ApplicationScoped
public class SearchMeters {

    @Inject
    MeterRegistry registry;

    /** By experiment id: its meters, each with the holder its gauge reads. */
    private final Map<String, ExperimentMeters> experiments = new HashMap<>();

    /** Shows {@code state} and counts the train requests among {@code events}, or removes its meters once it has finished. */
    synchronized void record(ExperimentState state, List<Object> events) {
        if (state.finished()) {
            ExperimentMeters ended = experiments.remove(state.experimentId());
            if (ended != null) {
                ended.meters.forEach(registry::remove);
            }
            return;
        }
        if (state.spec() == null) {
            return; // a state that could not be read has no search to show
        }
        ExperimentMeters meters = experiments.computeIfAbsent(state.experimentId(), id -> new ExperimentMeters());
        meters.gauge(registry, "emm.search.threshold", Tags.of("experiment", state.experimentId()))
                .set(state.spec().search().threshold());
        for (SizePoint point : state.points()) {
            meters.gauge(registry, "emm.search.ratio", Tags.of("experiment", state.experimentId(), "size",
                    Integer.toString(point.size()))).set(point.ratio());
        }
        long requests = events.stream().filter(TrainRequested.class::isInstance).count();
        if (requests > 0) {
            meters.probes(registry, state.experimentId()).increment(requests);
        }
    }

    /** One experiment's meters, kept so that they can be removed together. */
    private static final class ExperimentMeters {

        private final List<Meter> meters = new ArrayList<>();
        private final Map<String, AtomicReference<Double>> gauges = new HashMap<>();
        private Counter probes;

        AtomicReference<Double> gauge(MeterRegistry registry, String name, Tags tags) {
            return gauges.computeIfAbsent(name + tags, key -> {
                AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                meters.add(Gauge.builder(name, value, holder -> holder.get()).tags(tags).register(registry));
                return value;
            });
        }

        Counter probes(MeterRegistry registry, String experimentId) {
            if (probes == null) {
                probes = registry.counter("emm.search.probes", "experiment", experimentId);
                meters.add(probes);
            }
            return probes;
        }
    }
}
