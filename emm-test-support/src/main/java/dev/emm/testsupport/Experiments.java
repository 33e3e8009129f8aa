package dev.emm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.CliException;
import dev.emm.cli.EmmHome;
import dev.emm.cli.ExperimentWatcher;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.OrchestratorClient;
import dev.emm.cli.ProgressPrinter;
import dev.emm.cli.SweepWatcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    /**
     * Asserts that every service of the pipeline still answers its liveness probe and that a good
     * optimum experiment (sizes 10..20, 50 samples) completes, as after a corpus of bad input:
     * {@code above_max}, EMM 20. Returns the experiment's view.
     */
    public static JsonNode assertStillServing(LocalPipeline pipeline, String after, String name) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String service : EmmHome.SERVICES) {
            HttpResponse<String> live = http.send(HttpRequest.newBuilder(
                    URI.create(pipeline.service(service).url() + "/q/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), service + " liveness after " + after + ": " + live.body());
        }
        pipeline.checkAlive();
        JsonNode view = runToEnd(pipeline, optimumSpec(name, 10, 20, 50), Duration.ofMinutes(3));
        assertEquals("above_max", view.path("status").asText(), view.toString());
        assertEquals(20, view.path("emm").asInt());
        return view;
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
