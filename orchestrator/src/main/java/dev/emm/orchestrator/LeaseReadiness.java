package dev.emm.orchestrator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while this orchestrator holds the orchestrator lease; on standby it says who holds it. */
@Readiness
@ApplicationScoped
public class LeaseReadiness implements HealthCheck {

    private static final String CHECK = "orchestrator-lease";

    @Inject
    OrchestratorLease lease;

    @Override
    public HealthCheckResponse call() {
        if (lease.active()) {
            return HealthCheckResponse.up(CHECK);
        }
        return HealthCheckResponse.named(CHECK).down().withData("reason", lease.standbyReason()).build();
    }
}
