package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.cli.EmmHome;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.testsupport.TinyNetworkSpec;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Four trainers, four runs requested at once (four one-run experiments; a search reaches four
 * parallel probes only in its second round): the orchestrator places each request on a partition
 * of an idle trainer (TrainerLoad), so all four train at the same time. With the run id hashed to
 * the local stack's four partitions, four runs reach four different trainers 9% of the time.
 * The runs are long (they never finish here); the test looks at each trainer's loss gauge, which
 * exists only while it trains a run, and at the runs' progress timestamps, then stops the pipeline.
 */
@Tag("slow")
class FourTrainersEndToEndIT {

    private static final int TRAINERS = 4;
    private static final int SIZE = 10;
    private static final Pattern TRAINING = Pattern.compile("emm_training_loss\\{[^}]*run=\"([^\"]+)\"");

    @Test
    void fourRunsRequestedAtOnceTrainOnFourTrainersAtOnce() throws Exception {
        Path directory = Files.createTempDirectory("emm-e2e-four-trainers-");
        try (LocalPipeline pipeline = LocalPipeline.start(directory, System.err, List.of(EmmHome.SERVICES), TRAINERS,
                Map.of("EMM_TRAINER_PROGRESS_INTERVAL_MILLIS", "500"))) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < TRAINERS; i++) {
                runs.add(pipeline.orchestrator().submit(TinyNetworkSpec.of("four-trainers-" + i, SIZE).json()).path("experimentId").asText()
                        + "-n" + SIZE + "-s0");
            }
            List<String> trainers = new ArrayList<>();
            for (int i = 1; i <= TRAINERS; i++) {
                trainers.add(i == 1 ? LocalPipeline.TRAINER : LocalPipeline.TRAINER + "-" + i);
            }
            Map<String, String> training = new LinkedHashMap<>();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (training.size() < TRAINERS || new TreeSet<>(training.values()).size() < TRAINERS) {
                assertTrue(Instant.now().isBefore(deadline), "not every trainer trains a run: " + training);
                pipeline.checkAlive();
                training.clear();
                for (String trainer : trainers) {
                    runInTraining(pipeline, trainer).ifPresent(run -> training.put(trainer, run));
                }
                Experiments.sleep(250);
            }
            assertEquals(new TreeSet<>(runs), new TreeSet<>(training.values()),
                    "at one instant the four trainers each train one of the four runs: " + training);

            // The progress reports of the four runs, read after all four trained at once: each run's
            // training spans from its first report on; the spans' common part is the concurrency.
            Experiments.sleep(3000);
            Map<String, Long> firstReport = new LinkedHashMap<>();
            Map<String, Long> lastReport = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> record : KafkaTestClients.awaitRecords(pipeline.stack().bootstrapServers(),
                    Topics.TRAINING_PROGRESS, record -> runs.contains(record.key()), Integer.MAX_VALUE,
                    Duration.ofSeconds(5))) {
                firstReport.merge(record.key(), record.timestamp(), Math::min);
                lastReport.merge(record.key(), record.timestamp(), Math::max);
            }
            assertEquals(Set.copyOf(runs), firstReport.keySet(), "every run reports progress");
            long overlapStart = firstReport.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long overlapEnd = lastReport.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            long spread = overlapStart - firstReport.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            assertTrue(overlapEnd - overlapStart >= 2000, "the four runs reported progress together for "
                    + (overlapEnd - overlapStart) + " ms");
            System.err.printf("four trainers: runs %s trained at once on %s; progress of all four overlapped for "
                    + "%d ms; the last run started %d ms after the first%n", runs, training.keySet(),
                    overlapEnd - overlapStart, spread);
        }
    }

    /** The run a trainer trains now: its loss gauge exists only while the run trains. */
    private static Optional<String> runInTraining(LocalPipeline pipeline, String trainer) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pipeline.service(trainer).url() + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = TRAINING.matcher(metrics);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
