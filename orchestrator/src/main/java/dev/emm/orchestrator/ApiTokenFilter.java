package dev.emm.orchestrator;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * When {@code emm.api.token} is set (EMM_API_TOKEN, from a Secret in the chart), every REST request
 * that changes state (POST, PUT, PATCH, DELETE) must carry {@code Authorization: Bearer <token>};
 * reads stay open, like the health and metrics endpoints. Unset: no token is asked for.
 */
public class ApiTokenFilter {

    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String BEARER = "Bearer ";

    @ConfigProperty(name = "emm.api.token")
    Optional<String> token;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> requireTokenForChanges(ContainerRequestContext request) {
        if (token.isEmpty() || !CHANGING.contains(request.getMethod())) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header != null && header.startsWith(BEARER) && sameToken(header.substring(BEARER.length()), token.get())) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"emm\"")
                .type(MediaType.APPLICATION_JSON)
                .entity("{\"error\":\"" + request.getMethod() + " needs Authorization: Bearer <token>"
                        + " (the token in the Secret named by api.tokenSecret)\"}")
                .build());
    }

    /** Compares in time independent of where the strings differ. */
    private static boolean sameToken(String presented, String expected) {
        return MessageDigest.isEqual(presented.strip().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }
}
