package dev.emm.orchestrator;

import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.report.ExperimentReport;
import dev.emm.store.ObjectStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /experiments/{id}/report}: the experiment's self-contained HTML report, as it stands now. */
@Path("/experiments/{id}/report")
public class ReportResource {

    @Inject
    ExperimentRepository repository;

    @Inject
    ObjectStore store;

    /** An experiment failed at start because its stored state was unreadable has no spec, so no report: 404. */
    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
    public String report(@PathParam("id") String id) {
        ExperimentState state = repository.find(id).orElseThrow(() -> new NotFoundException("no experiment " + id));
        if (state.spec() == null) {
            throw new NotFoundException("experiment " + id + " has no report: " + state.result().message());
        }
        return ExperimentReport.html(state, store::find);
    }
}
