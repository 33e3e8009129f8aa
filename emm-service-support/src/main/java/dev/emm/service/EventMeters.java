package dev.emm.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The meters every service shares: {@code emm_events_handled_total{service,topic,outcome}} and
 * {@code emm_stage_duration_seconds{stage}}.
 */
@ApplicationScoped
public class EventMeters {

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "quarkus.application.name")
    String service;

    public void handled(String topic, String outcome) {
        registry.counter("emm.events.handled", "service", service, "topic", topic, "outcome", outcome).increment();
    }

    public <T> T timeStage(String stage, Supplier<T> work) {
        return Timer.builder("emm.stage.duration").tag("stage", stage).register(registry).record(work);
    }

    public MeterRegistry registry() {
        return registry;
    }
}
