package dev.emm.orchestrator;

import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecViolation;
import jakarta.inject.Inject;
import dev.emm.core.search.EmmResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** REST entry: submit an experiment, read one, list all, cancel one. */
@Path("/experiments")
@Produces(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    @Inject
    Orchestrator orchestrator;

    @Inject
    ExperimentRepository repository;

    @Inject
    DatasetChecks datasetChecks;

    /** The body is read as text so that malformed JSON gets the same field-naming 400 as an invalid spec. */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public Response submit(String body) {
        SubmissionReader.Submission submission;
        try {
            submission = SubmissionReader.read(body, null);
            datasetChecks.check(submission);
        } catch (InvalidSpecException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "invalid experiment spec", "field", e.field(),
                            "violations", e.violations().stream().map(ExperimentResource::violation).toList()))
                    .build();
        }
        ExperimentState state = orchestrator.submit(submission.experimentId(), submission.spec());
        return Response.created(URI.create("/experiments/" + state.experimentId()))
                .entity(ExperimentView.of(state, orchestrator::trainingProgress))
                .build();
    }

    @GET
    @Path("/{id}")
    public ExperimentView get(@PathParam("id") String id) {
        return repository.find(id)
                .map(state -> ExperimentView.of(state, orchestrator::trainingProgress))
                .orElseThrow(() -> new NotFoundException("no experiment " + id));
    }

    /**
     * Cancels a running experiment (200 with its view, status {@code cancelled}); a repeated cancel
     * answers the same. A finished experiment is left as it is: 409 with its view.
     */
    @DELETE
    @Path("/{id}")
    public Response cancel(@PathParam("id") String id) {
        ExperimentState state = orchestrator.cancel(id).orElseThrow(() -> new NotFoundException("no experiment " + id));
        boolean cancelled = EmmResult.CANCELLED.equals(state.status());
        return Response.status(cancelled ? Response.Status.OK : Response.Status.CONFLICT)
                .entity(ExperimentView.of(state, orchestrator::trainingProgress))
                .build();
    }

    @GET
    public List<ExperimentView> list() {
        return repository.all().stream()
                .sorted(Comparator.comparing(ExperimentState::experimentId))
                .map(state -> ExperimentView.of(state, orchestrator::trainingProgress))
                .toList();
    }

    private static Map<String, String> violation(SpecViolation violation) {
        return Map.of("field", violation.field(), "message", violation.message());
    }
}
