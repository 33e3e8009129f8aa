package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.cli.CliException;
import dev.emm.cli.EmmHome;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.OrchestratorClient;
import dev.emm.cli.ReportCommand;
import dev.emm.cli.StoreSource;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.core.spec.SweepExpansion;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.sweep.SweepState;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.HeadlessChromium;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * examples/sweep-resolution.json (the optimal denoiser, |D| 10..40, resolution 8 and 16) as one
 * submission over REST and once over Kafka (a bad value first, refused naming sweep.values[1]): each becomes a sweep of two experiments, both finish,
 * each value's answer equals that of a single experiment with that resolution, the completion is
 * announced on emm.sweeps.completed, and the sweep's report has EMM per value and one chart with two
 * curves (opened in headless Chromium; the DOM is kept under target/sweep-e2e/). A sweep whose start a
 * crash interrupted is completed by the restarted orchestrator.
 */
@Tag("slow")
class SweepEndToEndIT {

    private static final List<Integer> RESOLUTIONS = List.of(8, 16);

    @Test
    void aResolutionSweepRunsFromOneSpecThroughRestAndKafkaWithEmmPerValue() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        OrchestratorClient client = pipeline.orchestrator();
        String example = Files.readString(EmmHome.root().resolve("examples/sweep-resolution.json"));

        CliException refused = assertThrows(CliException.class,
                () -> client.submit(example.replace("[8, 16]", "[8, 12]")));
        assertTrue(refused.getMessage().contains("sweep.values[1]: data.resolution = 12 makes data.resolution invalid: "
                + "must be a power of two"), refused.getMessage());

        JsonNode submitted = client.submit(example);
        String restId = submitted.path("sweepId").asText();
        assertEquals("running", submitted.path("status").asText(), submitted.toString());
        assertEquals(List.of(restId + "-v0", restId + "-v1"), experimentIds(submitted));
        String kafkaId = "sweep-kafka-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTestClients.produce(pipeline.stack().bootstrapServers(), Topics.EXPERIMENTS_SUBMITTED, kafkaId, example);
        // the single experiments each value must agree with, run alongside
        List<String> singles = new ArrayList<>();
        for (int resolution : RESOLUTIONS) {
            ObjectNode single = (ObjectNode) Json.mapper().readTree(example);
            single.remove("sweep");
            ((ObjectNode) single.path("data")).put("resolution", resolution);
            single.put("name", "single-resolution-" + resolution);
            singles.add(client.submit(single.toString()).path("experimentId").asText());
        }

        JsonNode rest = Experiments.awaitSweep(pipeline, restId, Duration.ofMinutes(5));
        JsonNode kafka = Experiments.awaitSweep(pipeline, kafkaId, Duration.ofMinutes(5));
        for (JsonNode sweep : List.of(rest, kafka)) {
            String id = sweep.path("sweepId").asText();
            assertEquals("finished", sweep.path("status").asText(), sweep.toString());
            assertEquals("data.resolution", sweep.path("factor").asText());
            assertEquals("sweep-resolution", sweep.path("name").asText());
            assertEquals(0.9, sweep.path("threshold").asDouble(), 1e-12);
            assertEquals(List.of(id + "-v0", id + "-v1"), experimentIds(sweep));
            for (int i = 0; i < RESOLUTIONS.size(); i++) {
                JsonNode value = sweep.path("values").get(i);
                assertEquals(RESOLUTIONS.get(i).intValue(), value.path("value").asInt());
                JsonNode single = Experiments.await(pipeline, singles.get(i), Duration.ofMinutes(5));
                // the optimum memorizes at every size: above_max, EMM = maxSize 40, sizes 10, 20, 40
                assertEquals("above_max", value.path("status").asText(), value.toString());
                assertEquals(40, value.path("emm").asInt());
                assertEquals(List.of(10, 20, 40), sizes(value));
                assertEquals(single.path("status"), value.path("status"), "resolution " + RESOLUTIONS.get(i));
                assertEquals(single.path("emm"), value.path("emm"));
                assertEquals(single.path("bracket"), value.path("bracket"));
                assertEquals(single.path("points"), value.path("points"), "same seeds, same ratios and intervals");
                JsonNode member = client.experiment(value.path("experimentId").asText());
                assertEquals("sweep-resolution [data.resolution=" + RESOLUTIONS.get(i) + "]", member.path("name").asText());
                assertEquals(value.path("points"), member.path("points"), "the member is an experiment of its own");
            }
        }
        JsonNode completed = Json.mapper().readTree(KafkaTestClients.awaitRecords(pipeline.stack().bootstrapServers(),
                Topics.SWEEPS_COMPLETED, record -> kafkaId.equals(record.key()), 1, Duration.ofSeconds(30)).get(0).value());
        assertEquals(1, completed.path("schemaVersion").asInt());
        assertEquals(kafka, completed.path("result"), "the completed event carries GET /sweeps/{id}");

        String served = client.sweepReport(restId);
        for (int i = 0; i < RESOLUTIONS.size(); i++) {
            assertTrue(served.contains("<tr class=\"sweep-value\" data-value=\"" + RESOLUTIONS.get(i)
                    + "\" data-emm=\"40\">"), "EMM per value in the served report");
            assertTrue(served.contains("<a href=\"../../experiments/" + restId + "-v" + i + "/report\">"),
                    "links to each value's report");
        }
        Path directory = Path.of("target", "sweep-e2e");
        Path file;
        try (StoreSource store = StoreSource.s3(pipeline.stack().storeConfig())) {
            file = ReportCommand.write(restId, store, directory);
        }
        assertEquals(directory.resolve(restId + ".html"), file);
        for (int i = 0; i < RESOLUTIONS.size(); i++) {
            String memberId = restId + "-v" + i;
            assertEquals(client.report(memberId), Files.readString(directory.resolve(memberId + ".html")),
                    "'emm report SWEEP' writes each value's report beside the sweep's");
        }
        assertEquals(served.replace("../../experiments/" + restId + "-v0/report", restId + "-v0.html")
                        .replace("../../experiments/" + restId + "-v1/report", restId + "-v1.html"),
                Files.readString(file), "the same page as GET /sweeps/{id}/report, linking to the files beside it");

        HeadlessChromium.Page page = HeadlessChromium.require().load(file);
        Files.writeString(directory.resolve("dom.html"), page.dom());
        assertEquals(List.of(), page.console(), "console messages while loading the sweep report");
        String dom = page.dom();
        assertEquals(1, count(dom, "<svg "), "one chart");
        assertEquals(2, count(dom, "<polyline class=\"sweep-curve\""), "one curve per value");
        assertEquals(6, count(dom, "<g class=\"sweep-point\""), "three sizes per value");
        assertEquals(1, count(dom, "<line class=\"threshold\""), "the 1 - eps line");
        assertEquals(2, count(dom, "data-emm=\"40\""), "EMM per value in the table");
    }

    /**
     * The crash window of a sweep's start: its sweep.json stored, none of its experiments created yet,
     * completion not announced. The restarted orchestrator creates both experiments, they finish, and
     * the sweep's completion is announced and recorded.
     */
    @Test
    void aSweepStoredBeforeItsExperimentsWereCreatedIsCompletedAfterARestart() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String sweepId = "sweep-restart-" + UUID.randomUUID().toString().substring(0, 8);
        SweepState stored = SweepState.start(sweepId, SweepExpansion.expand(Json.mapper().readTree("""
                {"name": "sweep-restart", "data": {"dataset": "mnist", "classes": 10}, "model": {"kind": "optimum"},
                 "sampling": {"sampleCount": 20, "batchSize": 20}, "search": {"minSize": 10, "maxSize": 20},
                 "sweep": {"factor": "data.resolution", "values": [8, 16]}}
                """)));
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            pipeline.service("orchestrator").kill();
            store.put(StorageLayout.sweepState(sweepId), Json.toBytes(stored));
            pipeline.restart("orchestrator");

            JsonNode sweep = Experiments.awaitSweep(pipeline, sweepId, Duration.ofMinutes(5));
            assertEquals("finished", sweep.path("status").asText(), sweep.toString());
            for (int i = 0; i < RESOLUTIONS.size(); i++) {
                JsonNode value = sweep.path("values").get(i);
                assertEquals(sweepId + "-v" + i, value.path("experimentId").asText());
                assertEquals("above_max", value.path("status").asText(), value.toString());
                assertEquals(20, value.path("emm").asInt());
                assertEquals(List.of(10, 20), sizes(value));
            }
            JsonNode completed = Json.mapper().readTree(KafkaTestClients.awaitRecords(
                    pipeline.stack().bootstrapServers(), Topics.SWEEPS_COMPLETED, record -> sweepId.equals(record.key()),
                    1, Duration.ofSeconds(30)).get(0).value());
            assertEquals(sweep, completed.path("result"));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!Json.read(store.get(StorageLayout.sweepState(sweepId)), SweepState.class).completionAnnounced()) {
                assertTrue(Instant.now().isBefore(deadline), "the announcement is recorded in sweep.json");
                Experiments.sleep(100);
            }
        }
    }

    private static List<String> experimentIds(JsonNode sweep) {
        List<String> ids = new ArrayList<>();
        sweep.path("values").forEach(value -> ids.add(value.path("experimentId").asText()));
        return ids;
    }

    private static List<Integer> sizes(JsonNode value) {
        List<Integer> sizes = new ArrayList<>();
        value.path("points").forEach(point -> sizes.add(point.path("size").asInt()));
        return sizes;
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
