package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.search.ExperimentStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a running experiment and stop its trainings; prints its state. "
                + "An experiment that has finished is left as it is (exit code 1).")
final class CancelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID")
    String experimentId;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        JsonNode view = orchestrator.client().cancel(experimentId);
        System.out.println(Json.toPrettyString(view));
        ExperimentStatus status = ResultLine.status(view);
        if (status != ExperimentStatus.CANCELLED) {
            System.err.println("emm: experiment " + experimentId + " had already finished (" + status
                    + "); nothing cancelled");
            return 1;
        }
        return 0;
    }
}
