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

@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the local stack and the four services, run one experiment (or one sweep), "
        + "print its result as the last line, and shut everything down.")
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
            JsonNode submitted = client.submit(json);
            if (submitted.has("sweepId")) {
                return runSweep(pipeline, submitted.path("sweepId").asText(), directory, shutdown);
            }
            String experimentId = submitted.path("experimentId").asText();
            System.err.println("submitted experiment " + experimentId);
            JsonNode result = ExperimentWatcher.await(client, experimentId, Duration.ofMinutes(timeoutMinutes),
                    new ProgressPrinter(System.err), pipeline::checkAlive);
            printReport(pipeline, experimentId, directory);
            System.out.println(ResultLine.of(result));
            Runtime.getRuntime().removeShutdownHook(shutdown);
            return ResultLine.failed(result) ? 1 : 0;
        }
    }

    /** A sweep: waits for every value's experiment; the last line is the sweep's result (GET /sweeps/{id}). */
    private int runSweep(LocalPipeline pipeline, String sweepId, Path directory, Thread shutdown) {
        System.err.println("submitted sweep " + sweepId);
        JsonNode result = SweepWatcher.await(pipeline.orchestrator(), sweepId, Duration.ofMinutes(timeoutMinutes),
                System.err, pipeline::checkAlive);
        printReport(pipeline, sweepId, directory);
        System.out.println(result.toString());
        Runtime.getRuntime().removeShutdownHook(shutdown);
        boolean anyFailed = false;
        for (JsonNode value : result.path("values")) {
            anyFailed |= ResultLine.failed(value);
        }
        return anyFailed ? 1 : 0;
    }

    /** Writes the experiment's (or sweep's) report into the run's folder and says where; a failure here loses no result. */
    private static void printReport(LocalPipeline pipeline, String experimentId, Path directory) {
        try (StoreSource store = StoreSource.s3(pipeline.stack().storeConfig())) {
            System.err.println("report: " + ReportCommand.write(experimentId, store, directory).toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            System.err.println("report: not written (" + e + ")");
        }
    }
}
