package dev.emm.orchestrator;

import dev.emm.core.json.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A standby orchestrator (one that does not hold the orchestrator lease, {@link OrchestratorLease})
 * answers its API with 503 and the reason: it has loaded no experiment and must not start or
 * cancel one. Health and metrics are no REST resources and stay open.
 */
public class StandbyFilter {

    @Inject
    OrchestratorLease lease;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseOnStandby(ContainerRequestContext request) {
        if (lease.active()) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON)
                .entity(Json.toString(Map.of("error", lease.standbyReason())))
                .build());
    }
}
