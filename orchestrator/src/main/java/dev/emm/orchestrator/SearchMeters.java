package dev.emm.orchestrator;

import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.search.SizePoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The search's answer as gauges, so that Grafana draws the report's ratio-vs-|D| chart from the
 * same numbers: {@code emm_search_ratio{experiment,size}}, the ratio of each measured size (its
 * run's best snapshot, as the report's points), and {@code emm_search_threshold{experiment}},
 * 1 - eps.
 */
@ApplicationScoped
public class SearchMeters {

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    void record(ExperimentState state) {
        if (state.spec() == null) {
            return; // a state that could not be read has no search to show
        }
        gauge("emm.search.threshold", Tags.of("experiment", state.experimentId()))
                .set(state.spec().search().threshold());
        for (SizePoint point : state.points()) {
            gauge("emm.search.ratio", Tags.of("experiment", state.experimentId(), "size",
                    Integer.toString(point.size()))).set(point.ratio());
        }
    }

    private AtomicReference<Double> gauge(String name, Tags tags) {
        return gauges.computeIfAbsent(name + tags, key -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            registry.gauge(name, tags, value, holder -> holder.get());
            return value;
        });
    }
}
