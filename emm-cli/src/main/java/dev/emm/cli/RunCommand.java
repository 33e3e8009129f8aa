package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the local stack and the four services, run one experiment, print its "
        + "result as the last line, and shut everything down.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "Experiment spec (JSON). Default: the README's default experiment.")
    Path spec;

    @Option(names = "--timeout-minutes", defaultValue = "120", description = "Give up after this long (default 120).")
    long timeoutMinutes;

    @Override
    public Integer call() {
        String json = SpecFiles.read(spec);
        Path directory = EmmHome.stateDirectory().resolve("runs")
                .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        System.err.println("state and logs of this run: " + directory);
        try (LocalPipeline pipeline = LocalPipeline.start(directory, System.err)) {
            Thread shutdown = new Thread(pipeline::close, "emm-run-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdown);
            OrchestratorClient client = pipeline.orchestrator();
            String experimentId = client.submit(json).path("experimentId").asText();
            System.err.println("submitted experiment " + experimentId);
            JsonNode result = ExperimentWatcher.await(client, experimentId, Duration.ofMinutes(timeoutMinutes),
                    new ProgressPrinter(System.err), pipeline::checkAlive);
            printReport(pipeline, experimentId, directory);
            System.out.println(ResultLine.of(result));
            Runtime.getRuntime().removeShutdownHook(shutdown);
            return ResultLine.failed(result) ? 1 : 0;
        }
    }

    /** Writes the experiment's report into the run's folder and says where; a failure here loses no result. */
    private static void printReport(LocalPipeline pipeline, String experimentId, Path directory) {
        try (StoreSource store = StoreSource.s3(pipeline.stack().storeConfig())) {
            System.err.println("report: " + ReportCommand.write(experimentId, store, directory).toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            System.err.println("report: not written (" + e + ")");
        }
    }
}
