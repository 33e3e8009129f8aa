package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.EmmCli;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.OrchestratorClient;
import dev.emm.core.events.ExperimentCancelRequested;
import dev.emm.core.events.RunCancelled;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.TinyNetworkSpec;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import dev.emm.testsupport.TrainerMeters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Cancelling over the real broker: an experiment whose run would train for hours is cancelled by
 * REST ({@code ./emm cancel}) and another through the Kafka twin; each ends {@code cancelled} and
 * its trainer stops within seconds, keeping a checkpoint from which a later request resumes. A
 * repeated cancel is harmless, an unknown id is 404 (over Kafka: a log line), a finished one 409.
 */
@Tag("slow")
class CancelEndToEndIT {

    private static final int SIZE = 10;
    private static final long STOP_WITHIN_MILLIS = 10_000;

    @Test
    void cancelledExperimentsStopTheirTrainersWithinSecondsAndAResumedRunContinues() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        OrchestratorClient client = pipeline.orchestrator();
        String bootstrap = pipeline.stack().bootstrapServers();

        String byRest = client.submit(TinyNetworkSpec.of("cancel-rest", SIZE).json()).path("experimentId").asText();
        String restRun = byRest + "-n" + SIZE + "-s0";
        awaitTraining(client, byRest);
        // Three progress reports (2 s apart) before the cancel, so a resumed run's first report lies
        // beyond the stop, where a run started afresh would report a smaller step.
        assertEquals(3, KafkaTestClients.awaitRecords(bootstrap, Topics.TRAINING_PROGRESS,
                record -> restRun.equals(record.key()), 3, Duration.ofSeconds(60)).size());
        long restStopped = timeToStop(pipeline, () -> assertEquals(0,
                EmmCli.execute("cancel", byRest, "--url", client.baseUrl())));
        JsonNode view = client.experiment(byRest);
        assertEquals("cancelled", view.path("status").asText(), view.toString());
        assertTrue(view.path("emm").isMissingNode() || view.path("emm").isNull(), view.toString());
        assertEquals(200, delete(client, byRest).statusCode(), "a repeated cancel is harmless");
        assertEquals("cancelled", client.experiment(byRest).path("status").asText());
        assertEquals(404, delete(client, "no-such-experiment").statusCode());
        JsonNode answered = Experiments.runToEnd(pipeline, Experiments.optimumSpec("cancel-finished", 10, 20, 20),
                Duration.ofMinutes(5));
        String finished = answered.path("experimentId").asText();
        HttpResponse<String> tooLate = delete(client, finished);
        assertEquals(409, tooLate.statusCode(), tooLate.body());
        assertEquals("above_max", Json.mapper().readTree(tooLate.body()).path("status").asText());
        assertEquals("above_max", client.experiment(finished).path("status").asText(), "a finished answer stays");
        assertEquals(1, EmmCli.execute("cancel", finished, "--url", client.baseUrl()));
        JsonNode listed = StreamSupport.stream(client.experiments().spliterator(), false)
                .filter(experiment -> byRest.equals(experiment.path("experimentId").asText()))
                .findFirst().orElseThrow();
        assertEquals("cancelled", listed.path("status").asText());
        assertEquals(0, EmmCli.execute("list", "--url", client.baseUrl()));

        long stoppedAtStep;
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            assertTrue(store.exists(StorageLayout.runCheckpoint(byRest, restRun)), "the cancelled run keeps a checkpoint");
            stoppedAtStep = lastStep(bootstrap, restRun, 0);

            // A later request for the same run resumes it: this test plays the orchestrator, which
            // clears the marker before it requests a run.
            ExperimentSpec spec = SpecValidator.validated(Json.readStrict(
                    TinyNetworkSpec.of("cancel-rest", SIZE).json().getBytes(StandardCharsets.UTF_8), ExperimentSpec.class));
            RunRef run = RunRef.of(byRest, SIZE, spec);
            store.delete(StorageLayout.runCancelled(byRest, restRun));
            long requestedAt = System.currentTimeMillis();
            KafkaTestClients.produce(bootstrap, Topics.TRAIN_REQUESTS, restRun, Json.toString(TrainRequested.of(run)));
            long firstResumedStep = KafkaTestClients.awaitRecords(bootstrap, Topics.TRAINING_PROGRESS,
                            record -> restRun.equals(record.key()) && record.timestamp() > requestedAt, 1,
                            Duration.ofSeconds(60)).stream()
                    .map(record -> Json.read(record.value(), TrainingProgress.class).step())
                    .findFirst().orElseThrow();
            assertTrue(firstResumedStep > stoppedAtStep, "resumed after step " + stoppedAtStep + ": "
                    + firstResumedStep);
            RunCancelled again = RunCancelled.of(byRest, restRun, SIZE, RunCancelled.EXPERIMENT_CANCELLED, null);
            store.put(StorageLayout.runCancelled(byRest, restRun), Json.toBytes(again));
            timeToStop(pipeline, () -> produce(bootstrap, Topics.RUNS_CANCELLED, restRun, Json.toString(again)));
        }

        String byKafka = client.submit(TinyNetworkSpec.of("cancel-kafka", SIZE).json()).path("experimentId").asText();
        awaitTraining(client, byKafka);
        // An unreadable cancellation must not stop the trainers' cancel channel: the next one still works.
        produce(bootstrap, Topics.RUNS_CANCELLED, "garbage", "{not json");
        long kafkaStopped = timeToStop(pipeline, () -> produce(bootstrap, Topics.EXPERIMENTS_CANCEL_REQUESTS, byKafka,
                Json.toString(ExperimentCancelRequested.of(byKafka))));
        assertEquals("cancelled", client.experiment(byKafka).path("status").asText());
        produce(bootstrap, Topics.EXPERIMENTS_CANCEL_REQUESTS, "no-such-experiment",
                Json.toString(ExperimentCancelRequested.of("no-such-experiment")));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!pipeline.service("orchestrator").logTail(200).contains("names no known experiment (no-such-experiment)")) {
            assertTrue(Instant.now().isBefore(deadline), "no log line for the unknown experiment");
            Experiments.sleep(200);
        }
        System.err.printf("cancel: trainer stopped %d ms after DELETE, %d ms after the Kafka cancel request "
                + "(run stopped at step %d and resumed)%n", restStopped, kafkaStopped, stoppedAtStep);
    }

    /** Waits until the experiment's run reports training progress. */
    private static void awaitTraining(OrchestratorClient client, String id) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (client.experiment(id).path("training").isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "experiment " + id + " did not start training");
            Experiments.sleep(200);
        }
    }

    /** Runs the cancel and returns the milliseconds until the trainer has stopped and acknowledged the run. */
    private static long timeToStop(LocalPipeline pipeline, Runnable cancel) {
        double before = TrainerMeters.runs(pipeline, "cancelled");
        long start = System.nanoTime();
        cancel.run();
        while (TrainerMeters.runs(pipeline, "cancelled") < before + 1) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsed < STOP_WITHIN_MILLIS, "the trainer still trains " + elapsed + " ms after the cancel");
            Experiments.sleep(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long lastStep(String bootstrap, String runId, long after) {
        return KafkaTestClients.awaitRecords(bootstrap, Topics.TRAINING_PROGRESS,
                        record -> runId.equals(record.key()) && record.timestamp() > after, Integer.MAX_VALUE,
                        Duration.ofSeconds(5)).stream()
                .map(ConsumerRecord::value)
                .mapToLong(value -> Json.read(value, TrainingProgress.class).step())
                .max().orElseThrow();
    }

    private static HttpResponse<String> delete(OrchestratorClient client, String id) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(client.baseUrl() + "/experiments/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void produce(String bootstrap, String topic, String key, String value) {
        try {
            KafkaTestClients.produce(bootstrap, topic, key, value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
