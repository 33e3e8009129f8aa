package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit an experiment (or a sweep) to a running stack; prints its id as the last line.")
final class SubmitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "Experiment spec (JSON).")
    Path spec;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        JsonNode submitted = orchestrator.client().submit(SpecFiles.read(spec));
        System.out.println(submitted.has("sweepId") ? submitted.path("sweepId").asText()
                : submitted.path("experimentId").asText());
        return 0;
    }
}
