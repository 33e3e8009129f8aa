package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.EmmCli;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.IntraClassMix;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.storage.StorageLayout;
import dev.emm.datasets.DatasetRegistry;
import dev.emm.localstack.StackDescriptor;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import dev.emm.testsupport.DatasetArchives;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets through the running pipeline: import in published formats over REST and the CLI,
 * list/show/preview, clear errors, specs the datasets cannot supply rejected before anything
 * trains, and a mixed-data experiment whose stored subsets have the exact per-source counts.
 */
@Tag("slow")
class DatasetEndToEndIT {

    private static final String CIFAR_LICENSE_START = "CIFAR-10";

    private final LocalPipeline pipeline = SharedPipeline.get();
    private final String url = pipeline.orchestrator().baseUrl();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    record CliRun(int exit, String out, String err) {
    }

    /** Runs the CLI in this JVM, capturing what it prints. */
    static synchronized CliRun cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = EmmCli.execute(args);
            System.out.flush();
            System.err.flush();
            return new CliRun(exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> upload(String name, String query, Path file) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/datasets/" + name + query))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> submit(String spec) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/experiments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(spec)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private ObjectStore store() {
        StackDescriptor stack = pipeline.stack();
        return new ObjectStore(new StoreConfig(stack.s3Endpoint(), stack.accessKey(), stack.secretKey(),
                stack.bucket()));
    }

    @Test
    void aCifar10BinaryArchiveImportsThroughTheCliAndListsShowsAndPreviewsExactly() throws Exception {
        Path archive = DatasetArchives.cifar10Binary(dir.resolve("cifar100.tar.gz"), 100);
        String sha256 = DatasetArchives.sha256(archive);

        CliRun imported = cli("dataset", "import", archive.toString(), "--name", "cifar-e2e", "--url", url);
        assertEquals(0, imported.exit(), imported.err());
        assertTrue(imported.out().contains("  0  airplane    10"), imported.out());

        DatasetManifest manifest = Json.read(text(get("/datasets/cifar-e2e")), DatasetManifest.class);
        assertEquals("cifar-e2e", manifest.name());
        assertEquals(ImageSetCodec.VERSION, manifest.layoutVersion());
        assertEquals(100, manifest.count());
        assertEquals(List.of(3, 32, 32), List.of(manifest.channels(), manifest.height(), manifest.width()));
        assertEquals(10, manifest.classCount());
        assertEquals(Collections.nCopies(10, 10), manifest.countPerClass());
        assertEquals(DatasetArchives.CIFAR10_NAMES, manifest.classNames());
        assertEquals("cifar10-binary", manifest.sourceFormat());
        assertEquals(sha256, manifest.sourceSha256());
        assertTrue(manifest.license().startsWith(CIFAR_LICENSE_START), manifest.license());

        JsonNode list = Json.mapper().readTree(get("/datasets").body());
        List<String> names = new ArrayList<>();
        list.forEach(node -> names.add(node.path("name").asText()));
        assertTrue(names.contains("cifar-e2e") && names.contains("mnist"), names.toString());
        assertEquals(names.stream().sorted().toList(), names, "sorted by name");

        CliRun listed = cli("dataset", "list", "--url", url);
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().lines().anyMatch(line -> line.matches(
                "cifar-e2e\\s+100\\s+3x32x32\\s+10\\s+cifar10-binary\\s+" + sha256.substring(0, 12))), listed.out());

        Path png = dir.resolve("preview/cifar.png");
        CliRun shown = cli("dataset", "show", "cifar-e2e", "--preview", png.toString(), "--url", url);
        assertEquals(0, shown.exit(), shown.err());
        StringBuilder expected = new StringBuilder()
                .append("name:     cifar-e2e\n")
                .append("images:   100, each 3x32x32 (channels x height x width)\n")
                .append("format:   cifar10-binary\n")
                .append("sha256:   ").append(sha256).append('\n')
                .append("license:  ").append(manifest.license()).append('\n')
                .append("classes:  10\n");
        for (int c = 0; c < 10; c++) {
            expected.append(String.format("  %3d  %-10s  10%n", c, DatasetArchives.CIFAR10_NAMES.get(c)));
        }
        expected.append("preview:  ").append(png).append(" (8 per class, one row per class, class 0 on top)\n");
        assertEquals(expected.toString(), shown.out());
        BufferedImage grid = ImageIO.read(png.toFile());
        assertEquals(2 + 8 * (32 + 2), grid.getWidth());
        assertEquals(2 + 10 * (32 + 2), grid.getHeight());

        HttpResponse<byte[]> four = get("/datasets/cifar-e2e/preview.png?perClass=4");
        assertEquals(200, four.statusCode());
        assertEquals("image/png", four.headers().firstValue("Content-Type").orElse(""));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(four.body()));
        assertEquals(2 + 4 * 34, small.getWidth());
        assertEquals(342, small.getHeight());
        // Top left cell: the first airplane (image 0), pixel (0, 0); second row: the first automobile (image 1).
        byte[] airplane = DatasetArchives.cifarImage(0, 0);
        assertEquals(rgb(airplane, 0, 0), small.getRGB(2, 2) & 0xFFFFFF);
        assertEquals(rgb(DatasetArchives.cifarImage(1, 1), 5, 7), small.getRGB(2 + 7, 2 + 34 + 5) & 0xFFFFFF);
    }

    private static int rgb(byte[] chw, int y, int x) {
        int r = chw[y * 32 + x] & 0xFF;
        int g = chw[1024 + y * 32 + x] & 0xFF;
        int b = chw[2048 + y * 32 + x] & 0xFF;
        return r << 16 | g << 8 | b;
    }

    @Test
    void importProblemsAreClear() throws Exception {
        Path archive = DatasetArchives.cifar10Binary(dir.resolve("cifar100.tar.gz"), 100);
        assertEquals(201, upload("cifar-taken", "?filename=cifar100.tar.gz", archive).statusCode());

        CliRun taken = cli("dataset", "import", archive.toString(), "--name", "cifar-taken", "--url", url);
        assertEquals(1, taken.exit());
        assertTrue(taken.err().contains("already registered") && taken.err().contains("--replace"), taken.err());
        HttpResponse<String> conflict = upload("cifar-taken", "?filename=cifar100.tar.gz", archive);
        assertEquals(409, conflict.statusCode());
        assertTrue(conflict.body().contains("replace=true"), conflict.body());
        CliRun replaced = cli("dataset", "import", archive.toString(), "--name", "cifar-taken", "--replace",
                "--split", "test", "--url", url);
        assertEquals(0, replaced.exit(), replaced.err());
        assertEquals(10, Json.read(text(get("/datasets/cifar-taken")), DatasetManifest.class).count(),
                "replaced by the 10-image test split");

        byte[] bytes = Files.readAllBytes(archive);
        Path cut = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        HttpResponse<String> truncated = upload("cifar-cut", "?filename=cut.tar.gz&format=cifar10-binary", cut);
        assertEquals(400, truncated.statusCode());
        String message = Json.mapper().readTree(truncated.body()).path("error").asText();
        assertTrue(message.startsWith("cut.tar.gz"), message);
        assertFalse(message.contains("emm-upload"), "no server temporary path: " + message);
        assertEquals(404, get("/datasets/cifar-cut").statusCode(), "nothing half-registered");
        CliRun cutByCli = cli("dataset", "import", cut.toString(), "--name", "cifar-cut", "--url", url);
        assertEquals(1, cutByCli.exit());
        assertTrue(cutByCli.err().lines().anyMatch(line -> line.startsWith("emm: cut.tar.gz [cifar-10-batches-bin/")),
                cutByCli.err());

        HttpResponse<String> unknownFormat = upload("cifar-x", "?format=cifar11", archive);
        assertEquals(400, unknownFormat.statusCode());
        assertTrue(unknownFormat.body().contains("cifar10-binary, cifar100-python"), unknownFormat.body());
        CliRun badFormat = cli("dataset", "import", archive.toString(), "--name", "cifar-x", "--format", "cifar11",
                "--url", url);
        assertEquals(1, badFormat.exit());
        assertTrue(badFormat.err().contains("unknown dataset format 'cifar11', expected one of cifar10-python, "
                + "cifar10-binary, cifar100-python, cifar100-binary, edm-zip, image-folder, mnist-idx"), badFormat.err());

        CliRun missing = cli("dataset", "import", dir.resolve("nope.tar.gz").toString(), "--name", "nope", "--url",
                url);
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file or folder: " + dir.resolve("nope.tar.gz")), missing.err());

        CliRun badName = cli("dataset", "import", archive.toString(), "--name", "Bad Name", "--url", url);
        assertEquals(1, badName.exit());
        assertTrue(badName.err().contains("invalid dataset name 'Bad Name'"), badName.err());

        CliRun down = cli("dataset", "list", "--url", "http://127.0.0.1:" + LocalPipeline.freePort());
        assertEquals(1, down.exit());
        assertTrue(down.err().contains("cannot reach the orchestrator") && down.err().contains("./emm up"), down.err());

        assertEquals(404, get("/datasets/no-such-data").statusCode());
        assertEquals(404, get("/datasets/no-such-data/preview.png").statusCode());
        CliRun unknown = cli("dataset", "show", "no-such-data", "--url", url);
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("no dataset named 'no-such-data'"), unknown.err());
    }

    @Test
    void aFolderAndAnMnistIdxPairImportThroughTheCliAsBundles() throws Exception {
        Path folder = DatasetArchives.imageFolder(dir.resolve("pets"), List.of("cats", "dogs"), 3);
        CliRun pets = cli("dataset", "import", folder.toString(), "--name", "pets-e2e", "--license", "CC0", "--url",
                url);
        assertEquals(0, pets.exit(), pets.err());
        DatasetManifest manifest = Json.read(text(get("/datasets/pets-e2e")), DatasetManifest.class);
        assertEquals("image-folder", manifest.sourceFormat());
        assertEquals(List.of("cats", "dogs"), manifest.classNames());
        assertEquals(List.of(3, 3), manifest.countPerClass());
        assertEquals(List.of(3, 4, 4), List.of(manifest.channels(), manifest.height(), manifest.width()));
        assertEquals("CC0", manifest.license());
        CliRun cropped = cli("dataset", "import", folder.toString(), "--name", "pets-cropped", "--center-crop", "8",
                "--url", url);
        assertEquals(0, cropped.exit(), cropped.err());
        DatasetManifest croppedManifest = Json.read(text(get("/datasets/pets-cropped")), DatasetManifest.class);
        assertEquals(List.of(6, 3, 8, 8), List.of(croppedManifest.count(), croppedManifest.channels(),
                croppedManifest.height(), croppedManifest.width()));
        CliRun badSide = cli("dataset", "import", folder.toString(), "--name", "pets-bad", "--center-crop", "0",
                "--url", url);
        assertEquals(1, badSide.exit());
        assertTrue(badSide.err().contains("centerCrop must be a side between 1 and 1024, got 0"), badSide.err());

        Path images = DatasetArchives.mnistIdx(dir.resolve("idx"), 30, 28);
        CliRun idx = cli("dataset", "import", images.toString(), "--name", "idx-e2e", "--url", url);
        assertEquals(0, idx.exit(), idx.err());
        DatasetManifest digits = Json.read(text(get("/datasets/idx-e2e")), DatasetManifest.class);
        assertEquals("mnist-idx", digits.sourceFormat());
        assertEquals(30, digits.count());
        assertEquals(Collections.nCopies(10, 3), digits.countPerClass());
        assertEquals(List.of(1, 28, 28), List.of(digits.channels(), digits.height(), digits.width()));
    }

    @Test
    void specsTheDatasetsCannotSupplyAreRejectedBeforeAnythingTrains() throws Exception {
        Path archive = DatasetArchives.cifar10Binary(dir.resolve("cifar100.tar.gz"), 100);
        assertEquals(201, upload("cifar-small", "?filename=cifar100.tar.gz", archive).statusCode());
        String optimum = "\"model\": {\"kind\": \"optimum\"}, \"sampling\": {\"sampleCount\": 10}";

        HttpResponse<String> unknown = submit("{\"data\": {\"dataset\": \"no-such-data\"}, " + optimum + "}");
        assertEquals(400, unknown.statusCode());
        JsonNode unknownBody = Json.mapper().readTree(unknown.body());
        assertEquals("data.dataset", unknownBody.path("field").asText(), unknown.body());
        assertTrue(unknownBody.path("violations").get(0).path("message").asText()
                .contains("no dataset named 'no-such-data' is registered"), unknown.body());

        HttpResponse<String> tooMany = submit("{\"data\": {\"dataset\": \"cifar-small\", \"resolution\": 32}, "
                + optimum + ", \"search\": {\"minSize\": 10, \"maxSize\": 200}}");
        assertEquals(400, tooMany.statusCode());
        JsonNode tooManyBody = Json.mapper().readTree(tooMany.body());
        assertEquals("search.maxSize", tooManyBody.path("field").asText(), tooMany.body());
        String shortfall = tooManyBody.path("violations").get(0).path("message").asText();
        assertTrue(shortfall.contains("class 0 'airplane' has 10, needs 20 (10 short)"), shortfall);
        assertTrue(shortfall.endsWith("the largest size it can supply is 100"), shortfall);

        HttpResponse<String> upsample = submit("{\"data\": {\"dataset\": \"cifar-small\", \"resolution\": 64}, "
                + optimum + ", \"search\": {\"maxSize\": 100}}");
        assertEquals(400, upsample.statusCode());
        assertEquals("data.resolution", Json.mapper().readTree(upsample.body()).path("field").asText());

        HttpResponse<String> mixMissing = submit("{\"data\": {\"dataset\": \"cifar-small\", \"resolution\": 32, "
                + "\"mix\": {\"dataset\": \"no-such-data\", \"alpha\": 0.5}}, " + optimum
                + ", \"search\": {\"maxSize\": 100}}");
        assertEquals(400, mixMissing.statusCode());
        assertEquals("data.mix.dataset", Json.mapper().readTree(mixMissing.body()).path("field").asText());

        HttpResponse<String> tooManyClasses = submit("{\"data\": {\"dataset\": \"cifar-small\", \"classes\": 11}, "
                + optimum + ", \"search\": {\"minSize\": 11, \"maxSize\": 100}}");
        assertEquals("data.classes", Json.mapper().readTree(tooManyClasses.body()).path("field").asText());

        // Through Kafka: a rejection event naming the field, and the record in the dead-letter topic.
        String bootstrap = pipeline.stack().bootstrapServers();
        KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "ds-short",
                "{\"experimentId\": \"ds-short\", \"spec\": {\"data\": {\"dataset\": \"cifar-small\", "
                        + "\"resolution\": 32}, " + optimum + ", \"search\": {\"maxSize\": 101}}}");
        List<ConsumerRecord<String, String>> rejected = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_REJECTED, r -> "ds-short".equals(r.key()), 1, Duration.ofSeconds(60));
        assertEquals(1, rejected.size());
        JsonNode rejection = Json.mapper().readTree(rejected.get(0).value());
        assertEquals("spec.search.maxSize", rejection.path("field").asText(), rejected.get(0).value());
        assertTrue(rejection.path("reason").asText().contains("(1 short)"), rejected.get(0).value());
        assertEquals(1, KafkaTestClients.awaitRecords(bootstrap, Topics.EXPERIMENTS_SUBMITTED_DEAD_LETTER,
                r -> "ds-short".equals(r.key()), 1, Duration.ofSeconds(60)).size());
        assertEquals(404, get("/experiments/ds-short").statusCode(), "nothing started");
    }

    @Test
    void aMixedExperimentTrainsOnExactlyTheMixedSubset() throws Exception {
        Path zip = DatasetArchives.edmZipGray(dir.resolve("bright.zip"), 10, 10, 28);
        HttpResponse<String> imported = upload("mnist-bright", "?filename=bright.zip&replace=true", zip);
        assertEquals(201, imported.statusCode(), imported.body());
        assertEquals("edm-zip", Json.read(imported.body(), DatasetManifest.class).sourceFormat());

        String spec = """
                {"name": "mixed-mnist",
                 "data": {"dataset": "mnist", "resolution": 8, "classes": 10,
                          "mix": {"dataset": "mnist-bright", "alpha": 0.5}},
                 "model": {"kind": "optimum"},
                 "sampling": {"sampleCount": 50, "batchSize": 50},
                 "search": {"minSize": 20, "maxSize": 80, "precision": 0.25}}
                """;
        String id = pipeline.orchestrator().submit(spec).path("experimentId").asText();
        JsonNode result = Experiments.await(pipeline, id, Duration.ofMinutes(10));
        assertNotEquals("failed", result.path("status").asText(), result.toString());
        assertTrue(result.path("points").size() >= 1, result.toString());

        ExperimentSpec validated = SpecValidator.validated(Json.readStrict(spec.getBytes(StandardCharsets.UTF_8),
                ExperimentSpec.class));
        try (ObjectStore store = store()) {
            DatasetRegistry registry = new DatasetRegistry(store);
            ImageSet mnist = registry.load("mnist");
            ImageSet bright = registry.load("mnist-bright");
            Map<Integer, int[]> bySize = new TreeMap<>();
            for (String key : store.list(StorageLayout.experimentPrefix(id))) {
                if (!key.endsWith("/training-subset.emmds.gz")) {
                    continue;
                }
                ImageSet stored = ImageSetCodec.fromBytes(store.get(key));
                int size = stored.size();
                ImageSet expected = TrainingSubset.materialize(mnist, bright, validated.data(), size).images();
                assertArrayEquals(expected.pixels(), stored.pixels(), "subset of " + size + " at " + key);
                assertArrayEquals(expected.labels(), stored.labels(), "labels of " + size);
                int fromBright = 0;
                for (int j = 0; j < size; j++) {
                    // The bright images' top-left 8x8 block (after padding to 32) averages their white corner;
                    // MNIST's is black.
                    if ((stored.pixels()[j * stored.dimension()] & 0xFF) > 0) {
                        fromBright++;
                    }
                }
                bySize.put(size, new int[] {size - fromBright, fromBright});
            }
            assertTrue(bySize.containsKey(20), bySize.keySet().toString());
            for (Map.Entry<Integer, int[]> entry : bySize.entrySet()) {
                int expectedBright = Arrays.stream(TrainingSubset.perClassCounts(entry.getKey(), 10))
                        .map(n -> IntraClassMix.secondaryCount(n, 0.5)).sum();
                assertArrayEquals(new int[] {entry.getKey() - expectedBright, expectedBright}, entry.getValue(),
                        "primary and secondary images of the subset of " + entry.getKey());
            }
            // 0.5 of 2, 4 and 8 per class is exactly half.
            if (bySize.containsKey(80)) {
                assertArrayEquals(new int[] {40, 40}, bySize.get(80));
            }
            assertArrayEquals(new int[] {10, 10}, bySize.get(20));

            // Replacing the second dataset under its name: the next experiment trains on the new images
            // (the services must not keep the old ones cached).
            Path other = DatasetArchives.edmZipGray(dir.resolve("bright2.zip"), 10, 10, 28, 5000);
            assertEquals(201, upload("mnist-bright", "?filename=bright2.zip&replace=true", other).statusCode());
            String again = spec.replace("mixed-mnist", "mixed-mnist-replaced").replace("\"maxSize\": 80",
                    "\"maxSize\": 20");
            String secondId = pipeline.orchestrator().submit(again).path("experimentId").asText();
            assertNotEquals("failed", Experiments.await(pipeline, secondId, Duration.ofMinutes(5)).path("status")
                    .asText());
            ImageSet replaced = registry.load("mnist-bright");
            ImageSet expected = TrainingSubset.materialize(mnist, replaced, validated.data(), 20).images();
            List<String> subsets = store.list(StorageLayout.experimentPrefix(secondId)).stream()
                    .filter(key -> key.endsWith("/training-subset.emmds.gz")).toList();
            assertEquals(1, subsets.size(), subsets.toString());
            assertArrayEquals(expected.pixels(), ImageSetCodec.fromBytes(store.get(subsets.get(0))).pixels(),
                    "the subset after the replacement is made of the new images");
        }
    }
}
