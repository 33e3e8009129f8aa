package dev.emm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit an experiment to a running stack; prints its id as the last line.")
final class SubmitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec (JSON).")
    Path spec;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        String id = orchestrator.client().submit(SpecFiles.read(spec)).path("experimentId").asText();
        System.out.println(id);
        return 0;
    }
}
