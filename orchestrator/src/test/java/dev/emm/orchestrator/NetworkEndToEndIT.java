package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.training.TrainingLog;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.TinyNetworkSpec;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real network through the pipeline: the trainer trains a tiny DDPM++ on 10 MNIST digits, is
 * killed after its first checkpoint, resumes from that checkpoint when restarted, and the sampler
 * and metric find the run memorizes. The run's meters exist while it trains and are gone after; its
 * stored training log holds every loss the resumed trainer reported.
 * Early stop is off: the run must train to its end whenever its metric results arrive, so that the
 * resumed trainer's last step and the run's three snapshots are fixed (EarlyStopEndToEndIT covers
 * the stop).
 */
@Tag("slow")
class NetworkEndToEndIT {

    private static final int STEPS = 2400;
    private static final int CHECKPOINT_EVERY_STEPS = 300;
    private static final int SIZE = 10;

    private static String spec() {
        return TinyNetworkSpec.of("tiny-network", SIZE).steps(STEPS).snapshotEverySteps(STEPS / 3)
                .checkpointEverySteps(CHECKPOINT_EVERY_STEPS).earlyStop("off").json();
    }

    @Test
    void aTrainerKilledAfterACheckpointResumesAndTheRunMemorizes() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String id = pipeline.orchestrator().submit(spec()).path("experimentId").asText();
        String runId = id + "-n" + SIZE + "-s0";
        String checkpointKey = StorageLayout.runCheckpoint(id, runId);
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (!store.exists(checkpointKey)) {
                assertTrue(Instant.now().isBefore(deadline), "no checkpoint within 5 minutes");
                Experiments.sleep(100);
            }
            String runTag = "run=\"" + runId + "\"";
            assertTrue(trainerMetrics(pipeline).lines().anyMatch(line -> line.startsWith("emm_training_loss{")
                    && line.contains(runTag)), "the training run's loss gauge is exported while it trains");
            pipeline.service("trainer-service").kill();
            long killedAt = System.currentTimeMillis();
            pipeline.restart("trainer-service");

            JsonNode result = Experiments.await(pipeline, id, Duration.ofMinutes(10));
            assertEquals("above_max", result.path("status").asText(), result.toString());
            assertEquals(SIZE, result.path("emm").asInt());
            double ratio = result.path("points").get(0).path("ratio").asDouble();
            assertTrue(ratio >= 0.9, "a tiny network trained " + STEPS + " steps on 10 digits memorizes: " + ratio);

            List<String> snapshots = store.list(StorageLayout.runPrefix(id, runId)).stream()
                    .filter(key -> key.endsWith("/model.bin"))
                    .toList();
            assertEquals(3, snapshots.size(), snapshots.toString());
            assertFalse(store.exists(checkpointKey), "a finished run's checkpoint is deleted");
            assertFalse(trainerMetrics(pipeline).contains(runTag), "a finished run's meters are removed");

            List<TrainingProgress> afterKill = KafkaTestClients.awaitRecords(pipeline.stack().bootstrapServers(),
                            Topics.TRAINING_PROGRESS, record -> runId.equals(record.key()), Integer.MAX_VALUE,
                            Duration.ofSeconds(5)).stream()
                    .filter(record -> record.timestamp() > killedAt)
                    .map(ConsumerRecord::value)
                    .map(value -> Json.read(value, TrainingProgress.class))
                    .toList();
            assertFalse(afterKill.isEmpty(), "the restarted trainer reports progress");
            long firstStep = afterKill.stream().mapToLong(TrainingProgress::step).min().orElseThrow();
            assertTrue(firstStep > CHECKPOINT_EVERY_STEPS,
                    "resumed from the checkpoint at step >= " + CHECKPOINT_EVERY_STEPS + ", first step after the kill "
                            + firstStep);
            assertEquals(STEPS, afterKill.stream().mapToLong(TrainingProgress::step).max().orElseThrow());

            TrainingLog log = Json.read(store.get(StorageLayout.runTrainingLog(id, runId)), TrainingLog.class);
            List<Long> steps = log.points().stream().map(TrainingLog.LossPoint::step).toList();
            assertEquals(steps.stream().distinct().sorted().toList(), steps, "one point per step, in order, across the kill");
            assertEquals(STEPS, steps.get(steps.size() - 1));
            for (TrainingProgress report : afterKill) {
                TrainingLog.LossPoint point = log.points().get(steps.indexOf(report.step()));
                assertEquals(report.images(), point.images(), "images at step " + report.step());
                assertEquals(report.loss(), point.loss(), 0.0, "the log keeps the reported loss of step " + report.step());
            }
            assertTrue(log.training().wallSeconds() > 0 && log.training().cpuSeconds() > 0, log.training().toString());
            String report = pipeline.orchestrator().report(id);
            assertTrue(report.contains("<svg id=\"loss-" + runId + "\""), "the report draws the run's loss curve");
            assertTrue(report.contains("<polyline class=\"curve loss\" data-points=\"" + log.points().size() + "\""),
                    "one vertex per stored point: " + log.points().size());
        }
    }

    private static String trainerMetrics(LocalPipeline pipeline) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.service("trainer-service").url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
