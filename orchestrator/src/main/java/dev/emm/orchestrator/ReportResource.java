package dev.emm.orchestrator;

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

    @GET
    @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
    public String report(@PathParam("id") String id) {
        return repository.find(id)
                .map(state -> ExperimentReport.html(state, store::find))
                .orElseThrow(() -> new NotFoundException("no experiment " + id));
    }
}
