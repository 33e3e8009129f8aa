package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.SharedPipeline;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Damaged objects in the store (issue 15's store corpus): a dataset manifest that lies about its
 * counts, a truncated samples file, a corrupt training checkpoint and a metric summary that is no
 * JSON, each planted where a run of a
 * new experiment reads it. Each experiment fails with a reason naming the object and what is wrong
 * (no crash loop, no hang, no number measured on the wrong data), every service stays live, and a
 * good experiment submitted afterwards runs to its answer.
 */
@Tag("slow")
class StoreCorpusIT {

    private static final String LYING_MANIFEST = "store-corpus-lying-manifest";
    private static final String TRUNCATED_SAMPLES = "store-corpus-truncated-samples";
    private static final String CORRUPT_CHECKPOINT = "store-corpus-corrupt-checkpoint";
    private static final String UNREADABLE_METRIC = "store-corpus-unreadable-metric";
    private static final String LIAR = "store-corpus-liar";

    /** An optimum search on {@code dataset} at 16x16, sizes 10..40, 16 samples. */
    private static String optimum(String dataset) {
        return """
                {"name": "store-corpus", "data": {"dataset": "%s", "resolution": 16, "classes": 10},
                 "model": {"kind": "optimum"}, "sampling": {"sampleCount": 16, "batchSize": 16},
                 "search": {"minSize": 10, "maxSize": 40}}""".formatted(dataset);
    }

    /** A tiny network at |D| = 10 that would train 200 steps, were its checkpoint readable. */
    private static final String NETWORK = """
            {"name": "store-corpus-network", "data": {"dataset": "mnist", "resolution": 8, "classes": 10},
             "model": {"kind": "ddpmpp", "modelChannels": 16, "channelMult": [1, 2], "numBlocks": 1,
                       "attnResolutions": [], "dropout": 0.0},
             "training": {"preconditioning": "edm", "learningRate": 0.002, "warmupImages": 0, "batchSize": 64,
                          "capBatchAtDatasetSize": true, "emaDecay": 0.0, "durationUnit": "steps", "duration": 200},
             "sampling": {"sampleCount": 16, "batchSize": 16},
             "search": {"minSize": 10, "maxSize": 10}}""";

    @Test
    void damagedStoredObjectsFailTheirExperimentsWithTheReasonAndTheStackGoesOn() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        long start = System.nanoTime();
        Map<String, String> expected = new LinkedHashMap<>();
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            // A dataset of 5 images per class whose manifest claims 100: the orchestrator accepts
            // sizes up to 40 on the manifest alone; the first run's trainer reads the images.
            ImageSet fivePerClass = noise(50, 1, 16, 16, 10, 5);
            store.put(StorageLayout.datasetImages(LIAR), ImageSetCodec.toBytes(fivePerClass));
            store.put(StorageLayout.datasetManifest(LIAR), Json.toBytes(new DatasetManifest(LIAR, 1, 1000, 1, 16, 16, 10,
                    List.of(100, 100, 100, 100, 100, 100, 100, 100, 100, 100),
                    IntStream.range(0, 10).mapToObj(Integer::toString).toList(), "test", "0", "test")));
            expected.put(LYING_MANIFEST, "run " + runId(LYING_MANIFEST, optimum(LIAR)) + " failed in train: dataset '"
                    + LIAR + "': datasets/" + LIAR + "/images.emmds.gz does not match its manifest datasets/" + LIAR
                    + "/manifest.json: the manifest says 1000 images of 1x16x16 in 10 classes (100 per class), the"
                    + " images hold 50 images of 1x16x16 in 10 classes (5 per class)");

            // The first snapshot's samples, cut to half their bytes, where the sampler finds them.
            String samplesRun = runId(TRUNCATED_SAMPLES, optimum("mnist"));
            String samplesKey = StorageLayout.snapshotSamples(TRUNCATED_SAMPLES, samplesRun, 1);
            byte[] samples = ImageSetCodec.toBytes(noise(16, 1, 16, 16, 1, 16));
            byte[] truncatedSamples = Arrays.copyOf(samples, samples.length / 2);
            store.put(samplesKey, truncatedSamples);
            expected.put(TRUNCATED_SAMPLES, "run " + samplesRun + " failed in sample: images " + samplesKey + " ("
                    + truncatedSamples.length + " bytes) cannot be read: truncated EMM dataset: the data ends before the"
                    + " 16 images of 1x16x16 its header announces");

            // The run's checkpoint with its last bytes overwritten: its CRC-32 no longer matches.
            String checkpointRun = runId(CORRUPT_CHECKPOINT, NETWORK);
            String checkpointKey = StorageLayout.runCheckpoint(CORRUPT_CHECKPOINT, checkpointRun);
            byte[] checkpoint = damagedCheckpoint();
            store.put(checkpointKey, checkpoint);
            expected.put(CORRUPT_CHECKPOINT, "run " + checkpointRun + " failed in train: checkpoint " + checkpointKey
                    + " (" + checkpoint.length + " bytes) cannot be resumed from: checkpoint is corrupt: CRC-32"
                    + " mismatch; delete it to train the run from the start");

            // The first snapshot's metric summary as bytes that are no JSON, where the metric finds it.
            String metricRun = runId(UNREADABLE_METRIC, optimum("mnist"));
            String metricKey = StorageLayout.snapshotMetric(UNREADABLE_METRIC, metricRun, 1);
            store.put(metricKey, "garbage".getBytes(StandardCharsets.UTF_8));
            expected.put(UNREADABLE_METRIC, "run " + metricRun + " failed in metric: metric summary " + metricKey
                    + " (7 bytes) cannot be read: malformed JSON at $: Unrecognized token 'garbage': was expecting"
                    + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");

            submit(pipeline, LYING_MANIFEST, optimum(LIAR));
            submit(pipeline, TRUNCATED_SAMPLES, optimum("mnist"));
            submit(pipeline, CORRUPT_CHECKPOINT, NETWORK);
            submit(pipeline, UNREADABLE_METRIC, optimum("mnist"));
            Map<String, String> reasons = new LinkedHashMap<>();
            for (String id : expected.keySet()) {
                JsonNode ended = Experiments.await(pipeline, id, Duration.ofMinutes(2));
                assertEquals("failed", ended.path("status").asText(), ended.toString());
                assertEquals(List.of(), points(ended), id + " measured nothing");
                reasons.put(id, ended.path("message").asText());
            }
            assertEquals(expected, reasons);
            double corpusSeconds = (System.nanoTime() - start) / 1e9;

            JsonNode after = Experiments.assertStillServing(pipeline, "the store corpus", "after-store-corpus");
            System.err.printf("store corpus: 4 experiments failed with their reasons in %.1f s, services live, next"
                    + " experiment %s (EMM %d), %.1f s in all%n", corpusSeconds, after.path("status").asText(),
                    after.path("emm").asInt(), (System.nanoTime() - start) / 1e9);
            reasons.forEach((id, reason) -> System.err.println("  " + id + ": " + reason));
        } finally {
            try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
                store.deletePrefix(StorageLayout.datasetPrefix(LIAR)); // no lying dataset left for later tests
            }
        }
    }

    private static String runId(String experimentId, String spec) {
        ExperimentSpec validated = SpecValidator.validated(Json.readStrict(spec.getBytes(StandardCharsets.UTF_8),
                ExperimentSpec.class));
        return RunRef.of(experimentId, validated.search().minSize(), validated).runId();
    }

    /** Submits {@code spec} under {@code id} (the REST envelope), so that objects can be planted under its runs first. */
    private static void submit(LocalPipeline pipeline, String id, String spec) {
        JsonNode created = pipeline.orchestrator().submit(
                "{\"schemaVersion\": 1, \"experimentId\": \"" + id + "\", \"spec\": " + spec + "}");
        assertEquals(id, created.path("experimentId").asText(), created.toString());
    }

    private static List<Integer> points(JsonNode view) {
        return java.util.stream.StreamSupport.stream(view.path("points").spliterator(), false)
                .map(p -> p.path("size").asInt()).toList();
    }

    /** {@code count} seeded noise images, {@code perClass} of each class in turn. */
    private static ImageSet noise(int count, int channels, int height, int width, int classes, int perClass) {
        int[] labels = IntStream.range(0, count).map(i -> (i / perClass) % classes).toArray();
        byte[] pixels = new byte[count * channels * height * width];
        new Random(15).nextBytes(pixels);
        return new ImageSet(channels, height, width, classes, labels, pixels);
    }

    /**
     * A checkpoint container as emm-djl writes it (magic {@code EMMCKP}, version 1, header length,
     * JSON header, float32 tensors, CRC-32 of all before) whose last tensor bytes were overwritten.
     */
    private static byte[] damagedCheckpoint() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("EMMCKP".getBytes(StandardCharsets.US_ASCII));
        out.writeByte(1);
        byte[] header = "{\"format\":\"emm-djl-checkpoint\",\"step\":100}".getBytes(StandardCharsets.UTF_8);
        out.writeInt(header.length);
        out.write(header);
        byte[] tensors = new byte[4096];
        new Random(15).nextBytes(tensors);
        out.write(tensors);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        byte[] written = bytes.toByteArray();
        Arrays.fill(written, written.length - 100, written.length - 4, (byte) 0);
        return written;
    }
}
