package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.SamplesRequested;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.metric.NeighbourDistances;
import dev.emm.core.metric.SequentialSampling;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sequential sampling through the real broker, store and services: the same optimum experiment
 * with 128 samples per snapshot, measured once on all of them and once from 32. A sampling floor
 * of sigma 0.4 blurs the optimum's samples more as |D| grows (8x8 MNIST: |D| = 10 memorizes 0.984
 * of its samples, 28 0.945, 47 0.836, 80 0.750), so the search probes 10, 80, 28 and 47 and brackets
 * EMM in [28, 47). With the rule, 47 and 80 stop after their first 32 samples (95% Wilson upper
 * bounds 0.890 and 0.844, below 0.9) and 10 and 28 are drawn to 128; the answer, and the ratio of
 * every memorizing size, equal the full count's.
 */
@Tag("slow")
class SequentialSamplingEndToEndIT {

    private static final int SAMPLES = 128;
    private static final int FIRST = 32;
    private static final Pattern DRAWN = Pattern.compile("emm_samples_drawn_total(?:\\{[^}]*})? ([0-9.E]+)");

    private static String spec(String name, Integer sequentialFirstCount) {
        return """
                {"name": "%s",
                 "data": {"dataset": "mnist", "resolution": 8, "classes": 10},
                 "model": {"kind": "optimum"},
                 "sampling": {"sampleCount": %d, "batchSize": 32, "sigmaMin": 0.4, "sequentialFirstCount": %s},
                 "search": {"minSize": 10, "maxSize": 80, "growthFactor": 8, "precision": 1.0}}
                """.formatted(name, SAMPLES, sequentialFirstCount);
    }

    @Test
    void snapshotsDecidedNotMemorizingStopAfterTheFirstBatchAndTheAnswerIsTheFullCounts() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        double drawnBefore = samplesDrawn(pipeline);
        JsonNode full = Experiments.runToEnd(pipeline, spec("full-count", null), Duration.ofMinutes(5));
        double drawnFull = samplesDrawn(pipeline) - drawnBefore;
        JsonNode sequential = Experiments.runToEnd(pipeline, spec("sequential", FIRST), Duration.ofMinutes(5));
        double drawnSequential = samplesDrawn(pipeline) - drawnBefore - drawnFull;

        assertEquals("bracketed", sequential.path("status").asText(), sequential.toString());
        assertEquals(List.of(28, 47), List.of(sequential.path("bracket").get(0).asInt(),
                sequential.path("bracket").get(1).asInt()));
        assertEquals(full.path("bracket"), sequential.path("bracket"));
        assertEquals(full.path("emm"), sequential.path("emm"));
        Map<Integer, JsonNode> fullPoints = points(full);
        Map<Integer, JsonNode> sequentialPoints = points(sequential);
        assertEquals(List.of(10, 28, 47, 80), List.copyOf(sequentialPoints.keySet()));
        assertEquals(fullPoints.keySet(), sequentialPoints.keySet());
        for (int size : fullPoints.keySet()) {
            boolean memorizes = fullPoints.get(size).path("ratio").asDouble() >= 0.9;
            assertEquals(memorizes, sequentialPoints.get(size).path("ratio").asDouble() >= 0.9, "verdict at " + size);
            if (memorizes) {
                assertEquals(fullPoints.get(size), sequentialPoints.get(size), "a memorizing size's full-count point");
            }
        }

        Map<Integer, Integer> expectedCounts = Map.of(10, SAMPLES, 28, SAMPLES, 47, FIRST, 80, FIRST);
        String fullId = full.path("experimentId").asText();
        String sequentialId = sequential.path("experimentId").asText();
        SequentialSampling rule = new SequentialSampling(FIRST, SAMPLES, 0.9);
        String report = pipeline.orchestrator().report(sequentialId);
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            for (int size : expectedCounts.keySet()) {
                String fullRun = fullId + "-n" + size + "-s0";
                String run = sequentialId + "-n" + size + "-s0";
                MemorizationSummary summary = Json.read(store.get(StorageLayout.snapshotMetric(sequentialId, run, 1)),
                        MemorizationSummary.class);
                NeighbourDistances distances = NeighbourDistances.fromBytes(
                        store.get(StorageLayout.snapshotDistances(sequentialId, run, 1)));
                ImageSet samples = ImageSetCodec.fromBytes(store.get(StorageLayout.snapshotSamples(sequentialId, run, 1)));
                NeighbourDistances fullDistances = NeighbourDistances.fromBytes(
                        store.get(StorageLayout.snapshotDistances(fullId, fullRun, 1)));
                ImageSet fullSamples = ImageSetCodec.fromBytes(store.get(StorageLayout.snapshotSamples(fullId, fullRun, 1)));
                int drawn = expectedCounts.get(size);
                assertEquals(drawn, summary.sampleCount(), "samples measured at " + size);
                assertEquals(drawn, distances.size());
                assertEquals(drawn, samples.size());
                assertEquals(SAMPLES, fullSamples.size());
                assertEquals(drawn, decidedCount(rule, fullDistances), "the rule's count on the full run's samples");
                assertArrayEquals(fullSamples.range(0, drawn).pixels(), samples.pixels(),
                        "the first samples are the full run's, whether drawn in one step or three");
                assertEquals(fullDistances.first(drawn).summary(), summary);
                Matcher row = Pattern.compile("<tr><td>" + size + "</td>.*?</tr>").matcher(report);
                assertTrue(row.find(), "the report's row for " + size);
                assertTrue(row.group().contains("<td>" + summary.memorizedCount() + " / " + drawn + "</td>"),
                        "the report counts the samples stored: " + row.group() + " against " + summary);
            }

            assertEquals(4.0 * SAMPLES, drawnFull, "four runs, 128 samples each");
            assertEquals(2.0 * SAMPLES + 2.0 * FIRST, drawnSequential, "10 and 28 to 128, 47 and 80 stop at 32");
            System.err.printf("sequential sampling end to end: %.0f samples drawn at the full count, %.0f from %d%n",
                    drawnFull, drawnSequential, FIRST);

            String bootstrap = pipeline.stack().bootstrapServers();
            String run10 = sequentialId + "-n10-s0";
            List<ConsumerRecord<String, String>> requests = KafkaTestClients.awaitRecords(bootstrap,
                    Topics.SAMPLES_REQUESTS, record -> run10.equals(record.key()), 2, Duration.ofSeconds(30));
            assertEquals(List.of(64, 128), requests.stream()
                    .map(record -> Json.read(record.value(), SamplesRequested.class).sampleCount()).toList());
            assertEquals(0, KafkaTestClients.awaitRecords(bootstrap, Topics.SAMPLES_REQUESTS,
                    record -> record.key().startsWith(fullId), 1, Duration.ofSeconds(2)).size(),
                    "with the option off no more samples are requested");

            // Delivered again: the snapshot and both requests of |D| = 10 draw nothing and announce the same metric.
            ConsumerRecord<String, String> snapshot = KafkaTestClients.awaitRecords(bootstrap, Topics.SNAPSHOTS_SAVED,
                    record -> run10.equals(record.key()), 1, Duration.ofSeconds(30)).get(0);
            assertEquals(1, Json.read(snapshot.value(), SnapshotSaved.class).snapshot());
            double drawnBeforeRepeat = samplesDrawn(pipeline);
            KafkaTestClients.produce(bootstrap, Topics.SNAPSHOTS_SAVED, run10, snapshot.value());
            for (ConsumerRecord<String, String> request : requests) {
                KafkaTestClients.produce(bootstrap, Topics.SAMPLES_REQUESTS, run10, request.value());
            }
            List<MetricComputed> metrics = KafkaTestClients.awaitRecords(bootstrap, Topics.METRIC_RESULTS,
                            record -> run10.equals(record.key()), 4, Duration.ofSeconds(60)).stream()
                    .map(record -> Json.read(record.value(), MetricComputed.class))
                    .toList();
            assertEquals(4, metrics.size(), "the first announcement and one per repeated event");
            assertTrue(metrics.stream().allMatch(metric -> metric.summary().equals(metrics.get(0).summary())
                    && metric.summary().sampleCount() == SAMPLES), metrics.toString());
            assertEquals(drawnBeforeRepeat, samplesDrawn(pipeline), "a repeated event draws no sample");
            assertEquals(4, KafkaTestClients.awaitRecords(bootstrap, Topics.SAMPLES_REQUESTS,
                    record -> run10.equals(record.key()), 5, Duration.ofSeconds(3)).size(),
                    "the two requests and their two repeats: the repeats ask for no further samples");
            assertEquals(SAMPLES, ImageSetCodec.fromBytes(
                    store.get(StorageLayout.snapshotSamples(sequentialId, run10, 1))).size());
        }
    }

    private static Map<Integer, JsonNode> points(JsonNode result) {
        Map<Integer, JsonNode> points = new TreeMap<>();
        result.path("points").forEach(point -> points.put(point.path("size").asInt(), point));
        return points;
    }

    /** The count at which the rule decides a snapshot whose samples (in seed order) have these distances. */
    private static int decidedCount(SequentialSampling rule, NeighbourDistances all) {
        int drawn = rule.firstCount();
        for (int next = rule.nextCount(all.first(drawn).summary()); next != drawn;
                next = rule.nextCount(all.first(drawn).summary())) {
            drawn = next;
        }
        return drawn;
    }

    private static double samplesDrawn(LocalPipeline pipeline) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.service("sampler-service").url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = DRAWN.matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }
}
