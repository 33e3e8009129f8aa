package dev.emm.djl;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The device hook of every service that computes with DJL (a CDI bean: the Quarkus services find it
 * through this jar's beans.xml; plain-Java users of this module never load it). At start it loads
 * the engine, resolves EMM_DEVICE, logs the device and exports it as the gauge
 * {@code emm_compute_device{requested,device} 1}; an invalid EMM_DEVICE stops the start. When
 * {@code gpu} was asked for and CUDA is not available, the readiness check stays DOWN with the
 * reason, so the pod shows as not ready instead of training on the CPU.
 */
@Readiness
@ApplicationScoped
public class DeviceReadiness implements HealthCheck {

    private static final System.Logger LOG = System.getLogger(DeviceReadiness.class.getName());
    static final String CHECK = "compute-device";

    @Inject
    MeterRegistry registry;

    private volatile ComputeDevice device;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        ComputeDevice d = DjlRuntime.computeDevice();
        if (d.problem().isPresent()) {
            LOG.log(Level.ERROR, "compute device: none, {0}", d.problem().get());
        } else {
            LOG.log(Level.INFO, "compute device: {0} (EMM_DEVICE={1})", d.require(), d.requested().label());
        }
        Gauge.builder("emm.compute.device", () -> d.device().isPresent() ? 1 : 0)
                .description("1 for the device this process computes on (0 with device=none: the requested GPU is not available)")
                .tag("requested", d.requested().label())
                .tag("device", d.inUse())
                .register(registry);
        device = d;
    }

    @Override
    public HealthCheckResponse call() {
        ComputeDevice d = device;
        if (d == null) {
            return HealthCheckResponse.named(CHECK).down().withData("reason", "engine not loaded yet").build();
        }
        var response = HealthCheckResponse.named(CHECK).withData("requested", d.requested().label())
                .withData("device", d.inUse());
        return d.problem().map(reason -> response.down().withData("reason", reason).build())
                .orElseGet(() -> response.up().build());
    }
}
