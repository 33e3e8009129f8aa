package dev.emm.orchestrator;

import dev.emm.core.report.SweepReport;
import dev.emm.core.sweep.SweepResult;
import dev.emm.core.sweep.SweepState;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;

/**
 * Sweeps, which {@code POST /experiments} (or the specs topic) creates from a spec with a
 * {@code sweep}: each one's EMM per value, and its report. Each value's experiment is read, reported
 * and cancelled under {@code /experiments/{id}} like any other.
 */
@Path("/sweeps")
public class SweepResource {

    @Inject
    SweepCoordinator sweeps;

    @Inject
    SweepRepository repository;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<SweepResult> list() {
        return repository.all().stream()
                .map(SweepState::sweepId)
                .sorted(Comparator.naturalOrder())
                .map(id -> sweeps.result(id).orElseThrow())
                .toList();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public SweepResult get(@PathParam("id") String id) {
        return sweeps.result(id).orElseThrow(() -> new NotFoundException("no sweep " + id));
    }

    /** The sweep's HTML report; each value links to its experiment's report, relative to this page's path. */
    @GET
    @Path("/{id}/report")
    @Produces(MediaType.TEXT_HTML + ";charset=utf-8")
    public String report(@PathParam("id") String id) {
        return SweepReport.html(get(id), experimentId -> "../../experiments/" + experimentId + "/report");
    }
}
