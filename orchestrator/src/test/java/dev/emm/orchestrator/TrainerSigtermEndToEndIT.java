package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.ServiceProcess;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.TrainingRun;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.TinyNetworkSpec;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.time.Duration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A trainer stopped by SIGTERM in the middle of a run (a drain, a scale-down, an upgrade) stores a
 * checkpoint at the step where it stops, well within the pod's grace period, and exits by itself;
 * restarted, it resumes at the next step, and the run ends exactly as an undisturbed run of the
 * same spec: the same loss at every step after the stop, byte-identical snapshots, the same ratio.
 * The restarted trainer reports every step (EMM_TRAINER_PROGRESS_INTERVAL_MILLIS=0), so the losses
 * compare step by step; the test restores the shared pipeline's trainer at the end.
 */
@Tag("slow")
class TrainerSigtermEndToEndIT {

    private static final int STEPS = 300;
    private static final int SNAPSHOT_EVERY_STEPS = 100;
    private static final int SIZE = 10;
    private static final long EXIT_WITHIN_MILLIS = 15_000;

    /** No checkpointEveryImages: the default checkpoints at every snapshot (steps 100 and 200). */
    private static String spec(String name) {
        return TinyNetworkSpec.of(name, SIZE).steps(STEPS).snapshotEverySteps(SNAPSHOT_EVERY_STEPS).earlyStop("off").json();
    }

    @Test
    void aTrainerStoppedBySigtermCheckpointsAndTheResumedRunEndsAsAnUndisturbedOne() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String bootstrap = pipeline.stack().bootstrapServers();
        String stopped = pipeline.orchestrator().submit(spec("sigterm-stopped")).path("experimentId").asText();
        String stoppedRun = stopped + "-n" + SIZE + "-s0";
        long reportedStep = KafkaTestClients.awaitRecords(bootstrap, Topics.TRAINING_PROGRESS,
                        record -> stoppedRun.equals(record.key())
                                && Json.read(record.value(), TrainingProgress.class).step() > SNAPSHOT_EVERY_STEPS, 1,
                        Duration.ofMinutes(5)).stream()
                .mapToLong(record -> Json.read(record.value(), TrainingProgress.class).step())
                .findFirst().orElseThrow(() -> new AssertionError("the run did not pass step " + SNAPSHOT_EVERY_STEPS));

        ServiceProcess trainer = pipeline.service(LocalPipeline.TRAINER);
        long signalled = System.nanoTime();
        trainer.stop();
        long exitMillis = (System.nanoTime() - signalled) / 1_000_000;
        String trainerLog = trainer.logTail(400);

        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            long checkpointStep = TrainingRun.checkpointHeader(
                    store.get(StorageLayout.runCheckpoint(stopped, stoppedRun))).step();
            assertTrue(exitMillis < EXIT_WITHIN_MILLIS, "the trainer exits by itself " + exitMillis + " ms after SIGTERM");
            assertTrue(checkpointStep >= reportedStep && checkpointStep < STEPS, "the checkpoint is the stop's, at step "
                    + checkpointStep + ", not the last periodic one (a progress report had step " + reportedStep + ")");
            assertTrue(trainerLog.contains("run " + stoppedRun + " stopped at step " + checkpointStep),
                    "the trainer logs its stop:\n" + trainerLog);

            long restartedAt = System.currentTimeMillis();
            pipeline.restart(LocalPipeline.TRAINER, Map.of("EMM_TRAINER_PROGRESS_INTERVAL_MILLIS", "0"));
            try {
                JsonNode stoppedResult = Experiments.await(pipeline, stopped, Duration.ofMinutes(5));
                String undisturbed = pipeline.orchestrator().submit(spec("sigterm-undisturbed"))
                        .path("experimentId").asText();
                String undisturbedRun = undisturbed + "-n" + SIZE + "-s0";
                JsonNode undisturbedResult = Experiments.await(pipeline, undisturbed, Duration.ofMinutes(5));

                NavigableMap<Long, Double> resumed = losses(bootstrap, stoppedRun, restartedAt, STEPS - checkpointStep);
                NavigableMap<Long, Double> reference = losses(bootstrap, undisturbedRun, restartedAt, STEPS);
                assertEquals(checkpointStep + 1, resumed.firstKey(), "the restarted trainer resumes after the checkpoint");
                assertEquals(STEPS, resumed.lastKey());
                assertEquals(STEPS - checkpointStep, resumed.size());
                assertEquals(STEPS, reference.size());
                assertEquals(reference.tailMap(checkpointStep, false), resumed,
                        "the resumed run's loss at every step equals the undisturbed run's");
                for (int snapshot = 1; snapshot <= STEPS / SNAPSHOT_EVERY_STEPS; snapshot++) {
                    assertArrayEquals(store.get(StorageLayout.snapshotModel(undisturbed, undisturbedRun, snapshot)),
                            store.get(StorageLayout.snapshotModel(stopped, stoppedRun, snapshot)),
                            "snapshot " + snapshot + " is byte-identical");
                }
                double ratio = undisturbedResult.path("points").get(0).path("ratio").asDouble();
                assertEquals(ratio, stoppedResult.path("points").get(0).path("ratio").asDouble());
                assertFalse(store.exists(StorageLayout.runCheckpoint(stopped, stoppedRun)), "a finished run's checkpoint goes");
                System.err.printf("sigterm: trainer exited %d ms after SIGTERM, checkpoint at step %d (last report %d), "
                        + "resumed at step %d; %d losses after it and 3 snapshots equal the undisturbed run's; "
                        + "ratio %.3f%n", exitMillis, checkpointStep, reportedStep, resumed.firstKey(), resumed.size(),
                        ratio);
            } finally {
                pipeline.restart(LocalPipeline.TRAINER);
            }
        }
    }

    /** Step to loss of the run's progress reports sent after {@code after} (one report per step). */
    private static NavigableMap<Long, Double> losses(String bootstrap, String runId, long after, long count) {
        NavigableMap<Long, Double> losses = new TreeMap<>();
        KafkaTestClients.awaitRecords(bootstrap, Topics.TRAINING_PROGRESS,
                        record -> runId.equals(record.key()) && record.timestamp() > after, (int) count,
                        Duration.ofSeconds(30))
                .forEach(record -> {
                    TrainingProgress progress = Json.read(record.value(), TrainingProgress.class);
                    losses.put(progress.step(), progress.loss());
                });
        return losses;
    }
}
