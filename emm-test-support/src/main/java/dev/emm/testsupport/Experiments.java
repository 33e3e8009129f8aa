package dev.emm.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.CliException;
import dev.emm.cli.ExperimentWatcher;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.OrchestratorClient;
import dev.emm.cli.ProgressPrinter;
import dev.emm.cli.SweepWatcher;
import java.time.Duration;
import java.time.Instant;

/** Submitting and awaiting experiments in tests, with progress on stderr. */
public final class Experiments {

    private Experiments() {
    }

    public static JsonNode runToEnd(LocalPipeline pipeline, String specJson, Duration timeout) {
        OrchestratorClient client = pipeline.orchestrator();
        String id = client.submit(specJson).path("experimentId").asText();
        return await(pipeline, id, timeout);
    }

    /** Waits for the experiment to exist (a Kafka submission arrives asynchronously), then to finish. */
    public static JsonNode await(LocalPipeline pipeline, String id, Duration timeout) {
        awaitExistence(() -> pipeline.orchestrator().experiment(id));
        return ExperimentWatcher.await(pipeline.orchestrator(), id, timeout, new ProgressPrinter(System.err),
                pipeline::checkAlive);
    }

    /** Waits for the sweep to exist (a Kafka submission arrives asynchronously), then for every value's experiment to end. */
    public static JsonNode awaitSweep(LocalPipeline pipeline, String sweepId, Duration timeout) {
        awaitExistence(() -> pipeline.orchestrator().sweep(sweepId));
        return SweepWatcher.await(pipeline.orchestrator(), sweepId, timeout, System.err, pipeline::checkAlive);
    }

    /** Repeats the lookup until the orchestrator knows the id, for at most a minute. */
    private static void awaitExistence(Runnable lookup) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (true) {
            try {
                lookup.run();
                return;
            } catch (CliException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                sleep(500);
            }
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String optimumSpec(String name, int minSize, int maxSize, int samples) {
        return """
                {"name": "%s",
                 "data": {"dataset": "mnist", "resolution": 8, "classes": 10},
                 "model": {"kind": "optimum"},
                 "sampling": {"sampleCount": %d, "batchSize": 50},
                 "search": {"minSize": %d, "maxSize": %d, "precision": 0.25}}
                """.formatted(name, samples, minSize, maxSize);
    }
}
