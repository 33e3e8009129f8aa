package dev.emm.orchestrator;

import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecViolation;
import dev.emm.orchestrator.datasets.DatasetChecks;
import jakarta.inject.Inject;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** REST entry: submit an experiment (or a sweep), read one, list all, cancel one. */
@Path("/experiments")
@Produces(MediaType.APPLICATION_JSON)
public class ExperimentResource {

    @Inject
    Orchestrator orchestrator;

    @Inject
    ExperimentRepository repository;

    @Inject
    DatasetChecks datasetChecks;

    @Inject
    SweepCoordinator sweeps;

    /**
     * The body is read as bytes, and no more than the submission limit of them, so that malformed
     * JSON or invalid UTF-8 gets the same field-naming 400 as an invalid spec, and an oversized body
     * a 413 before it is held in memory. Nothing exists after an answer other than 201, except
     * after a sweep's 503: the sweep is stored, and submitting it again with the {@code sweepId}
     * of the answer (as {@code experimentId}) starts its remaining experiments.
     *
     * <p>A spec with a {@code sweep} creates a sweep: 201 with the sweep's view (as
     * {@code GET /sweeps/{id}}), {@code Location: /sweeps/{id}}.
     */
    @POST
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    public Response submit(InputStream body) throws IOException {
        SubmissionReader.Submission submission;
        try {
            submission = SubmissionReader.read(body.readNBytes(SubmissionReader.MAX_BYTES + 1), null);
            if (submission.isSweep()) {
                datasetChecks.checkSweep(submission.id(), submission.sweep(), submission.fieldPrefix());
            } else {
                datasetChecks.check(submission.id(), submission.spec(), submission.fieldPrefix());
            }
        } catch (SubmissionTooLargeException e) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE)
                    .entity(Map.of("error", e.getMessage(), "field", "$", "limitBytes", SubmissionReader.MAX_BYTES))
                    .build();
        } catch (InvalidSpecException e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "invalid experiment spec", "field", e.field(),
                            "violations", e.violations().stream().map(ExperimentResource::violation).toList()))
                    .build();
        }
        if (submission.isSweep()) {
            return submitSweep(submission);
        }
        ExperimentState state;
        try {
            state = orchestrator.submit(submission.id(), submission.spec());
        } catch (Orchestrator.NotStartedException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", e.getMessage()))
                    .build();
        }
        return Response.created(URI.create("/experiments/" + state.experimentId()))
                .entity(ExperimentView.of(state, orchestrator::trainingProgress))
                .build();
    }

    private Response submitSweep(SubmissionReader.Submission submission) {
        try {
            return Response.created(URI.create("/sweeps/" + submission.id()))
                    .entity(sweeps.submit(submission.id(), submission.sweep()))
                    .build();
        } catch (Orchestrator.NotStartedException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", e.getMessage(), "sweepId", submission.id()))
                    .build();
        }
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
        boolean cancelled = state.status() == ExperimentStatus.CANCELLED;
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
