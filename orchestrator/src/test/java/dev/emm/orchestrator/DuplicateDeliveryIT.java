package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.Topics;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** At-least-once delivery: the same train request twice yields one run, announced twice. */
@Tag("slow")
class DuplicateDeliveryIT {

    private static final Pattern TRAINED = Pattern.compile(
            "emm_training_runs_total\\{[^}]*outcome=\"trained\"[^}]*} ([0-9.]+)");
    private static final Pattern REUSED = Pattern.compile(
            "emm_training_runs_total\\{[^}]*outcome=\"already-stored\"[^}]*} ([0-9.]+)");

    @Test
    void theSameTrainRequestTwiceTrainsOnce() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        ExperimentSpec spec = SpecValidator.validated(Json.readStrict(
                Experiments.optimumSpec("duplicate", 10, 20, 20).getBytes(), ExperimentSpec.class));
        RunRef run = RunRef.of("duplicate-delivery", 12, spec);
        double trainedBefore = meter(pipeline, TRAINED);
        double reusedBefore = meter(pipeline, REUSED);
        String request = Json.toString(TrainRequested.of(run));
        String bootstrap = pipeline.stack().bootstrapServers();
        KafkaTestClients.produce(bootstrap, Topics.TRAIN_REQUESTS, run.runId(), request);
        KafkaTestClients.produce(bootstrap, Topics.TRAIN_REQUESTS, run.runId(), request);

        var announced = KafkaTestClients.awaitRecords(bootstrap, Topics.SNAPSHOTS_SAVED,
                record -> run.runId().equals(record.key()), 2, Duration.ofSeconds(60));
        assertEquals(2, announced.size());
        assertEquals(1.0, meter(pipeline, TRAINED) - trainedBefore);
        assertEquals(1.0, meter(pipeline, REUSED) - reusedBefore);
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            long snapshots = store.list(StorageLayout.runPrefix(run.experimentId(), run.runId())).stream()
                    .filter(key -> key.endsWith("/model.bin"))
                    .count();
            assertEquals(1, snapshots);
            var snapshot = dev.emm.core.data.ImageSetCodec.fromBytes(
                    store.get(StorageLayout.snapshotModel(run.experimentId(), run.runId(), 1)));
            assertEquals(12, snapshot.size());
            assertEquals(8 * 8, snapshot.dimension());
        }
    }

    private static double meter(LocalPipeline pipeline, Pattern pattern) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.service("trainer-service").url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = pattern.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }
}
