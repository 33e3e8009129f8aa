package dev.emm.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.cli.LocalPipeline;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.datasets.BundledMnist;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import dev.emm.testsupport.TrainerMeters;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery: the same train request twice yields one run, announced twice. The
 * trainer alone, its requests produced here as the orchestrator would.
 */
@Tag("slow")
class DuplicateDeliveryIT {

    @Test
    void theSameTrainRequestTwiceTrainsOnce() throws Exception {
        LocalPipeline pipeline = SharedPipeline.with("trainer-service");
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            BundledMnist.register(store);
            ExperimentSpec spec = SpecValidator.validated(Json.readStrict(
                    Experiments.optimumSpec("duplicate", 10, 20, 20).getBytes(), ExperimentSpec.class));
            RunRef run = RunRef.of("duplicate-delivery", 12, spec);
            double trainedBefore = TrainerMeters.runs(pipeline, "trained");
            double reusedBefore = TrainerMeters.runs(pipeline, "already-stored");
            String request = Json.toString(TrainRequested.of(run));
            String bootstrap = pipeline.stack().bootstrapServers();
            KafkaTestClients.produce(bootstrap, Topics.TRAIN_REQUESTS, run.runId(), request);
            KafkaTestClients.produce(bootstrap, Topics.TRAIN_REQUESTS, run.runId(), request);

            var announced = KafkaTestClients.awaitRecords(bootstrap, Topics.SNAPSHOTS_SAVED,
                    record -> run.runId().equals(record.key()), 2, Duration.ofSeconds(60));
            assertEquals(2, announced.size());
            assertEquals(1.0, TrainerMeters.runs(pipeline, "trained") - trainedBefore);
            assertEquals(1.0, TrainerMeters.runs(pipeline, "already-stored") - reusedBefore);
            long snapshots = store.list(StorageLayout.runPrefix(run.experimentId(), run.runId())).stream()
                    .filter(key -> key.endsWith("/model.bin"))
                    .count();
            assertEquals(1, snapshots);
            ImageSet snapshot = ImageSetCodec.fromBytes(
                    store.get(StorageLayout.snapshotModel(run.experimentId(), run.runId(), 1)));
            assertEquals(12, snapshot.size());
            assertEquals(8 * 8, snapshot.dimension());
        }
    }
}
