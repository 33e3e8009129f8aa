package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "wait", mixinStandardHelpOptions = true, description = "Follow an experiment until it finishes; the last line is the result JSON.")
final class WaitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID")
    String experimentId;

    @Option(names = "--timeout-minutes", defaultValue = "120")
    long timeoutMinutes;

    @Mixin
    OrchestratorOption orchestrator;

    @Override
    public Integer call() {
        JsonNode result = ExperimentWatcher.await(orchestrator.client(), experimentId,
                Duration.ofMinutes(timeoutMinutes), new ProgressPrinter(System.err), () -> { });
        System.out.println(ResultLine.of(result));
        return ResultLine.failed(result) ? 1 : 0;
    }
}
