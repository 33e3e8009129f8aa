package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.orchestration.ExperimentStateMachine;
import dev.emm.core.orchestration.Transition;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The search's meters carry a running experiment's numbers and are gone once it has finished. */
class SearchMetersTest {

    private static final ExperimentSpec SPEC = SpecValidator.validated(Json.readStrict("""
            {"name": "meters", "data": {"dataset": "mnist", "resolution": 8, "classes": 10},
             "model": {"kind": "optimum"}, "sampling": {"sampleCount": 16, "batchSize": 16},
             "search": {"minSize": 10, "maxSize": 20, "eps": 0.25}}""", ExperimentSpec.class));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SearchMeters meters = new SearchMeters();

    SearchMetersTest() {
        meters.registry = registry;
    }

    @Test
    void aRunningExperimentsMetersCarryItsSearchAndAreRemovedWhenItFinishes() {
        Transition start = apply(ExperimentStateMachine.start("e1", SPEC));
        assertEquals(Map.of("emm.search.threshold{experiment=e1}", 0.75, "emm.search.probes{experiment=e1}", 1.0),
                exported());

        Transition measured = apply(ExperimentStateMachine.onMetric(start.state(),
                metric(start, MemorizationSummary.of(15, 16))));
        assertEquals(ExperimentStatus.RUNNING, measured.state().status());
        assertEquals(Map.of("emm.search.threshold{experiment=e1}", 0.75, "emm.search.probes{experiment=e1}", 2.0,
                "emm.search.ratio{experiment=e1,size=10}", 0.9375), exported());

        Transition done = apply(ExperimentStateMachine.onMetric(measured.state(),
                metric(measured, MemorizationSummary.of(16, 16))));
        assertEquals(ExperimentStatus.ABOVE_MAX, done.state().status());
        assertEquals(Map.of(), exported(), "a finished experiment exports no series");

        apply(new Transition(done.state(), List.of()));
        assertEquals(Map.of(), exported(), "its finished state, recorded again (a restart), registers nothing");
    }

    @Test
    void aCancelledExperimentsMetersAreRemovedAndTheOthersStay() {
        Transition first = apply(ExperimentStateMachine.start("e1", SPEC));
        apply(ExperimentStateMachine.start("e2", SPEC));
        assertEquals(4, exported().size(), exported().toString());

        Transition cancelled = apply(ExperimentStateMachine.cancel(first.state()));
        assertEquals(ExperimentStatus.CANCELLED, cancelled.state().status());
        assertEquals(Map.of("emm.search.threshold{experiment=e2}", 0.75, "emm.search.probes{experiment=e2}", 1.0),
                exported());
    }

    private Transition apply(Transition transition) {
        meters.record(transition.state(), transition.events());
        return transition;
    }

    private static MetricComputed metric(Transition requested, MemorizationSummary summary) {
        TrainRequested request = requested.events().stream().filter(TrainRequested.class::isInstance)
                .map(TrainRequested.class::cast).findFirst().orElseThrow();
        return MetricComputed.of(request.run(), 1, true, summary, "unused", null, null);
    }

    /** Every meter in the registry as name{tags} to its value (a counter's count). */
    private Map<String, Double> exported() {
        Map<String, Double> values = new TreeMap<>();
        for (Meter meter : registry.getMeters()) {
            String tags = meter.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
                    .reduce((a, b) -> a + "," + b).orElse("");
            values.put(meter.getId().getName() + "{" + tags + "}", meter.measure().iterator().next().getValue());
        }
        return values;
    }
}
