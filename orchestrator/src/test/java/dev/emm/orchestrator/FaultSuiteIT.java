package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.EmmHome;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.ServiceProcess;
import dev.emm.core.events.Topics;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.testsupport.TinyNetworkSpec;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.StoreLayoutAudit;
import dev.emm.testsupport.TrainingOverlapWatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite (issue 15, scope 1; docs/RELIABILITY.md, "Fault suite"), on a local pipeline of
 * its own (two trainers, one sampler, metric and orchestrator) so that its faults disturb no other
 * test. First an optimum and a tiny-network experiment run undisturbed; their results are what every
 * disturbed experiment must end with. Then 20 trials, drawn from a seeded {@link Random}, each
 * submit an optimum experiment over Kafka and SIGKILL one service (5 trials each of trainer,
 * sampler, metric, orchestrator) at a random moment within the undisturbed experiment's duration,
 * then start it again; the trials of the four services run side by side, so a kill hits every
 * experiment in flight, a tiny-network experiment among them. Then the broker is restarted in
 * place and the object store stopped for 60 s during another network experiment. Every experiment
 * must end with the undisturbed status, bracket and points (network runs: the same ratios and
 * byte-identical per-sample distances), no run may be seen training on two trainers at once, and
 * the bucket may hold nothing the documented layout does not explain.
 *
 * <p>The pipeline's services time out a dead consumer after 10 s instead of Kafka's 45 s,
 * trainers hold run leases for 10 s instead of 30 s, and the JVMs run without the optimizing
 * compiler (they start on less CPU), so that a kill costs seconds, not a minute; the behaviour
 * under test (redelivery, resumption, leases) is the same. Rerun another schedule
 * with {@code -Demm.faults.seed=N}.
 */
@Tag("slow")
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

    private static final long SEED = Long.getLong("emm.faults.seed", 15L);
    private static final int TRIALS_PER_SERVICE = 5;
    private static final List<String> SERVICES = List.of(LocalPipeline.TRAINER, "sampler-service", "metric-service",
            "orchestrator");
    private static final int TRAINERS = 2;
    private static final Duration STORE_OUTAGE = Duration.ofSeconds(60);
    private static final Duration COMPLETION_TIMEOUT = Duration.ofMinutes(6);
    private static final int NETWORK_SIZE = 10;
    private static final int NETWORK_STEPS = 300;
    private static final int NETWORK_SNAPSHOT_STEPS = 150;
    private static final int NETWORK_CHECKPOINT_STEPS = 50;

    private static LocalPipeline pipeline;
    private static TrainingOverlapWatch watch;
    private static String tag;
    private static Random random;
    private static JsonNode optimumBaseline;
    private static JsonNode networkBaseline;
    private static Map<Integer, byte[]> networkBaselineDistances;
    private static Duration optimumDuration;

    /** One kill: which trial, which service instance, how long after its experiment's submission. */
    private record Trial(int index, String instance, double delayFraction) {
    }

    /** What a trial did and saw. */
    private record TrialRecord(Trial trial, String experimentId, long submittedAt, long killedAt, long readyAt) {
    }

    @BeforeAll
    static void startPipeline() throws Exception {
        Path directory = Files.createTempDirectory("emm-faults-");
        Map<String, String> settings = Map.of(
                // A killed consumer's partitions move after 10 s, not Kafka's default 45 s.
                "KAFKA_SESSION_TIMEOUT_MS", "10000",
                "KAFKA_HEARTBEAT_INTERVAL_MS", "2000",
                // 20 restarts of a service JVM are the suite's main cost: without the optimizing
                // compiler a JVM starts on less CPU time; the work here is native or tiny.
                "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        pipeline = LocalPipeline.start(directory, System.err, List.of(EmmHome.SERVICES), TRAINERS, settings,
                Map.of("EMM_TRAINER_LEASE_SECONDS", "10"));
        watch = TrainingOverlapWatch.start(pipeline, Duration.ofMillis(250));
        tag = "faults-" + UUID.randomUUID().toString().substring(0, 6);
        random = new Random(SEED);
        System.err.printf(Locale.ROOT, "FAULTS seed %d, experiments %s-*%n", SEED, tag);
    }

    @AfterAll
    static void stopPipeline() {
        if (watch != null) {
            watch.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void undisturbedRunsGiveTheExpectedResults() throws Exception {
        String optimum = tag + "-base-optimum";
        String network = tag + "-base-network";
        Map<String, Long> submitted = submit(Map.of(optimum, optimumSpec(optimum), network, networkSpec(network)));
        Map<String, Long> completed = awaitCompleted(submitted.keySet());
        optimumBaseline = pipeline.orchestrator().experiment(optimum);
        networkBaseline = pipeline.orchestrator().experiment(network);
        optimumDuration = Duration.ofMillis(completed.get(optimum) - submitted.get(optimum));
        Duration networkDuration = Duration.ofMillis(completed.get(network) - submitted.get(network));
        networkBaselineDistances = distances(network);
        System.err.printf(Locale.ROOT, "FAULTS baseline optimum %s in %.1f s, network %s in %.1f s%n",
                summary(optimumBaseline), optimumDuration.toMillis() / 1000.0, summary(networkBaseline),
                networkDuration.toMillis() / 1000.0);

        assertEquals("above_max", optimumBaseline.path("status").asText(), optimumBaseline.toString());
        assertEquals(40, optimumBaseline.path("emm").asInt());
        assertEquals(3, optimumBaseline.path("points").size());
        assertEquals(NETWORK_SIZE, networkBaseline.path("points").get(0).path("size").asInt(), networkBaseline.toString());
        assertEquals(NETWORK_STEPS / NETWORK_SNAPSHOT_STEPS, networkBaselineDistances.size());
    }

    @Test
    @Order(2)
    void twentyKillsAtRandomMomentsChangeNoResult() throws Exception {
        List<Trial> trials = drawTrials();
        String network = tag + "-kills-network";
        Map<String, Long> submitted = new ConcurrentHashMap<>(submit(Map.of(network, networkSpec(network))));
        List<TrialRecord> records = Collections.synchronizedList(new ArrayList<>());
        ExecutorService lanes = Executors.newFixedThreadPool(SERVICES.size());
        List<Future<?>> running = new ArrayList<>();
        for (String service : SERVICES) {
            List<Trial> lane = trials.stream().filter(t -> t.instance().startsWith(service)).toList();
            running.add(lanes.submit(() -> {
                for (Trial trial : lane) {
                    records.add(runTrial(trial, submitted));
                }
                return null;
            }));
        }
        for (Future<?> lane : running) {
            lane.get();
        }
        lanes.shutdown();

        Map<String, Long> completed = awaitCompleted(submitted.keySet());
        records.sort((a, b) -> Integer.compare(a.trial().index(), b.trial().index()));
        int midExperiment = 0;
        for (TrialRecord record : records) {
            long completedAt = completed.get(record.experimentId());
            boolean mid = record.killedAt() < completedAt;
            midExperiment += mid ? 1 : 0;
            JsonNode result = pipeline.orchestrator().experiment(record.experimentId());
            boolean same = sameResult(optimumBaseline, result);
            System.err.printf(Locale.ROOT,
                    "FAULTS trial %2d: SIGKILL %-17s %5.1f s after submitting %s (%s), ready again after %5.1f s;"
                            + " completed %5.1f s after submission: %s%n",
                    record.trial().index(), record.trial().instance(), (record.killedAt() - record.submittedAt()) / 1000.0,
                    record.experimentId(), mid ? "mid-experiment" : "after it finished",
                    (record.readyAt() - record.killedAt()) / 1000.0, (completedAt - record.submittedAt()) / 1000.0,
                    same ? "same result" : "DIFFERENT " + summary(result));
        }
        JsonNode networkResult = pipeline.orchestrator().experiment(network);
        System.err.printf(Locale.ROOT, "FAULTS kills: %d trials, %d landed mid-experiment; network experiment %s,"
                + " completed %.1f s after submission%n", records.size(), midExperiment, summary(networkResult),
                (completed.get(network) - submitted.get(network)) / 1000.0);

        assertEquals(SERVICES.size() * TRIALS_PER_SERVICE, records.size());
        for (TrialRecord record : records) {
            assertSameResult(optimumBaseline, pipeline.orchestrator().experiment(record.experimentId()));
        }
        assertSameResult(networkBaseline, networkResult);
        assertDistancesEqual(network);
        assertTrue(midExperiment >= records.size() / 2, "most kills must land while their experiment runs: " + midExperiment);
    }

    @Test
    @Order(3)
    void aBrokerRestartAndASixtySecondStoreOutageChangeNoResult() throws Exception {
        String network = tag + "-infra-network";
        String optimum = tag + "-infra-optimum";
        Map<String, Long> submitted = submit(Map.of(network, networkSpec(network), optimum, optimumSpec(optimum)));
        String runId = network + "-n" + NETWORK_SIZE + "-s0";
        // The faults are placed by what the run has stored, not by the clock, so that they land
        // mid-run on a loaded and on an idle machine alike: the broker restart at a random moment
        // within 2 s after the trainer stored the run's training subset (it trains), the outage once
        // its first snapshot is stored (two thirds of its training and two snapshots' sampling and
        // metric are still to come).
        awaitObject(StorageLayout.runTrainingSubset(network, runId));
        Experiments.sleep(Math.round(2000 * random.nextDouble()));
        long restartAt = System.currentTimeMillis();
        Duration brokerAway = pipeline.restartBroker();
        awaitObject(StorageLayout.snapshotModel(network, runId, 1));
        long outageAt = System.currentTimeMillis();
        pipeline.stopStore();
        Experiments.sleep(STORE_OUTAGE.toMillis());
        pipeline.checkAlive();
        pipeline.startStore();
        long storeBackAt = System.currentTimeMillis();
        for (String instance : pipeline.instances()) {
            pipeline.service(instance).awaitReady(Duration.ofMinutes(2));
        }
        long allReadyAt = System.currentTimeMillis();

        Map<String, Long> completed = awaitCompleted(submitted.keySet());
        pipeline.checkAlive();
        JsonNode networkResult = pipeline.orchestrator().experiment(network);
        JsonNode optimumResult = pipeline.orchestrator().experiment(optimum);
        System.err.printf(Locale.ROOT, "FAULTS broker restarted %.1f s after submitting %s, away %.1f s; store stopped"
                        + " %.1f s after submission for %d s (%s); every service ready %.1f s after the store was back;"
                        + " network completed %.1f s after submission (%s), optimum %.1f s (%s)%n",
                (restartAt - submitted.get(network)) / 1000.0, network, brokerAway.toMillis() / 1000.0,
                (outageAt - submitted.get(network)) / 1000.0, STORE_OUTAGE.toSeconds(),
                outageAt < completed.get(network) ? "mid-run" : "after the run",
                (allReadyAt - storeBackAt) / 1000.0, (completed.get(network) - submitted.get(network)) / 1000.0,
                summary(networkResult), (completed.get(optimum) - submitted.get(optimum)) / 1000.0,
                summary(optimumResult));

        assertTrue(outageAt < completed.get(network), "the outage must begin while the network experiment runs");
        assertSameResult(networkBaseline, networkResult);
        assertDistancesEqual(network);
        assertSameResult(optimumBaseline, optimumResult);
    }

    @Test
    @Order(4)
    void noRunTrainedOnTwoTrainersAtOnceAndNoStrayObjectIsLeft() {
        watch.close();
        Map<String, java.util.Set<String>> trainersByRun = watch.trainersByRun();
        long movedRuns = trainersByRun.values().stream().filter(t -> t.size() > 1).count();
        System.err.printf(Locale.ROOT, "FAULTS training watch: %d polls, %d network runs seen training, %d of them on"
                + " both trainers (one after the other), overlaps %s%n", watch.polls(), trainersByRun.size(),
                movedRuns, watch.overlaps());
        assertTrue(watch.runsSeen().size() >= 3, "the watch saw the network runs train: " + watch.runsSeen());
        assertEquals(List.of(), watch.overlaps());

        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            List<String> keys = store.list("");
            System.err.printf(Locale.ROOT, "FAULTS store: %d objects, every one explained by the layout: %s%n",
                    keys.size(), StoreLayoutAudit.unexplained(keys).isEmpty());
            assertEquals(List.of(), StoreLayoutAudit.unexplained(keys));
        }
    }

    private static void awaitObject(String key) {
        long deadline = System.currentTimeMillis() + COMPLETION_TIMEOUT.toMillis();
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            while (!store.exists(key)) {
                assertTrue(System.currentTimeMillis() < deadline, key + " not stored within " + COMPLETION_TIMEOUT);
                Experiments.sleep(100);
            }
        }
    }

    /** Five trials per service in a seeded random order, each with its instance and kill moment. */
    private static List<Trial> drawTrials() {
        List<String> services = new ArrayList<>();
        for (String service : SERVICES) {
            services.addAll(Collections.nCopies(TRIALS_PER_SERVICE, service));
        }
        Collections.shuffle(services, random);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            String instance = services.get(i);
            if (instance.equals(LocalPipeline.TRAINER)) {
                int which = 1 + random.nextInt(TRAINERS);
                instance = which == 1 ? instance : instance + "-" + which;
            }
            trials.add(new Trial(i + 1, instance, random.nextDouble()));
        }
        return trials;
    }

    private static TrialRecord runTrial(Trial trial, Map<String, Long> submitted) throws Exception {
        String id = tag + "-k" + trial.index();
        submitted.putAll(submit(Map.of(id, optimumSpec(id))));
        Experiments.sleep(Math.round(trial.delayFraction() * optimumDuration.toMillis()));
        ServiceProcess victim = pipeline.service(trial.instance());
        victim.kill();
        long killedAt = System.currentTimeMillis();
        pipeline.restart(trial.instance());
        return new TrialRecord(trial, id, submitted.get(id), killedAt, System.currentTimeMillis());
    }

    /** Submits over Kafka, keyed by experiment id (the orchestrator may be down); when each was sent. */
    private static Map<String, Long> submit(Map<String, String> specs) throws Exception {
        KafkaTestClients.produceAll(pipeline.stack().bootstrapServers(), Topics.EXPERIMENTS_SUBMITTED, specs);
        Map<String, Long> sent = new HashMap<>();
        long now = System.currentTimeMillis();
        specs.keySet().forEach(id -> sent.put(id, now));
        return sent;
    }

    /** When each experiment's first completion event was written (a completion may be announced twice). */
    private static Map<String, Long> awaitCompleted(Collection<String> ids) {
        long deadline = System.currentTimeMillis() + COMPLETION_TIMEOUT.toMillis();
        while (true) {
            Map<String, Long> completed = new HashMap<>();
            KafkaTestClients.readToEnd(pipeline.stack().bootstrapServers(), List.of(Topics.EXPERIMENTS_COMPLETED),
                    r -> ids.contains(r.key())).forEach(r -> completed.putIfAbsent(r.key(), r.timestamp()));
            if (completed.keySet().containsAll(ids)) {
                return completed;
            }
            assertTrue(System.currentTimeMillis() < deadline, "not completed within " + COMPLETION_TIMEOUT + ": "
                    + ids.stream().filter(id -> !completed.containsKey(id)).sorted().toList());
            Experiments.sleep(1000);
        }
    }

    private static boolean sameResult(JsonNode expected, JsonNode actual) {
        return expected.path("status").equals(actual.path("status")) && expected.path("emm").equals(actual.path("emm"))
                && expected.path("bracket").equals(actual.path("bracket"))
                && expected.path("points").equals(actual.path("points"));
    }

    private static void assertSameResult(JsonNode expected, JsonNode actual) {
        String id = actual.path("experimentId").asText();
        assertEquals(expected.path("status"), actual.path("status"), id);
        assertEquals(expected.path("emm"), actual.path("emm"), id);
        assertEquals(expected.path("bracket"), actual.path("bracket"), id);
        assertEquals(expected.path("points"), actual.path("points"), id);
    }

    /** Every snapshot's per-sample distances equal the undisturbed run's, byte for byte. */
    private static void assertDistancesEqual(String networkId) {
        Map<Integer, byte[]> distances = distances(networkId);
        assertEquals(networkBaselineDistances.keySet(), distances.keySet(), networkId);
        networkBaselineDistances.forEach((snapshot, bytes) ->
                assertArrayEquals(bytes, distances.get(snapshot), networkId + " snapshot " + snapshot));
    }

    private static Map<Integer, byte[]> distances(String experimentId) {
        String runId = experimentId + "-n" + NETWORK_SIZE + "-s0";
        Map<Integer, byte[]> bySnapshot = new HashMap<>();
        try (ObjectStore store = new ObjectStore(pipeline.stack().storeConfig())) {
            for (int snapshot = 1; snapshot <= NETWORK_STEPS / NETWORK_SNAPSHOT_STEPS; snapshot++) {
                int number = snapshot;
                store.find(StorageLayout.snapshotDistances(experimentId, runId, number))
                        .ifPresent(bytes -> bySnapshot.put(number, bytes));
            }
        }
        return bySnapshot;
    }

    private static String summary(JsonNode result) {
        StringBuilder points = new StringBuilder();
        for (JsonNode point : result.path("points")) {
            points.append(points.isEmpty() ? "" : ", ").append(point.path("size").asInt()).append(": ")
                    .append(point.path("ratio").asDouble());
        }
        return result.path("status").asText() + ", EMM " + result.path("emm") + ", bracket " + result.path("bracket")
                + ", ratios {" + points + "}";
    }

    private static String optimumSpec(String id) {
        return Experiments.optimumSpec(id, 10, 40, 20);
    }

    private static String networkSpec(String id) {
        return TinyNetworkSpec.of(id, NETWORK_SIZE).steps(NETWORK_STEPS).snapshotEverySteps(NETWORK_SNAPSHOT_STEPS)
                .checkpointEverySteps(NETWORK_CHECKPOINT_STEPS).sampleCount(50).earlyStop("off").json();
    }
}
