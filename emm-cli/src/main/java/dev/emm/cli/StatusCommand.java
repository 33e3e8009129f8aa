package dev.emm.cli;

import dev.emm.core.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show an experiment's state: measured sizes, sizes in training, result.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID")
    String experimentId;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        System.out.println(Json.toPrettyString(orchestrator.client().experiment(experimentId)));
        return 0;
    }
}
