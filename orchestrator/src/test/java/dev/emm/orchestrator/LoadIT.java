package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.LocalPipeline;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load (issue 15, scope 3): 50 optimum experiments submitted at once over Kafka to the local
 * pipeline (one trainer, sampler and metric service) all complete with the undisturbed result, none
 * starves, and the time each stage took is read off the events' timestamps (docs/RELIABILITY.md,
 * "Load").
 */
@Tag("slow")
@Tag("load")
class LoadIT {

    private static final int EXPERIMENTS = 50;
    /**
     * The last completion may come at most this many times the median completion time after the
     * submission. Every experiment trains two sizes one after the other, and the services take their
     * queues in order, so under fair service all 50 first runs are done before most second runs, and
     * completions bunch in the second half of the batch's work: the median lies near three quarters of
     * the last completion. An experiment left behind (a request lost and redelivered late, a partition
     * not read) would finish far beyond that; 2 leaves room for the machine's noise.
     */
    private static final double MAX_LAST_OVER_MEDIAN = 2.0;

    @Test
    void fiftyConcurrentExperimentsAllCompleteAndNoneStarves() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String bootstrap = pipeline.stack().bootstrapServers();
        String prefix = "load-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        Map<String, String> specs = new LinkedHashMap<>();
        for (int i = 0; i < EXPERIMENTS; i++) {
            specs.put(prefix + i, Experiments.optimumSpec(prefix + i, 10, 20, 20));
        }
        KafkaTestClients.produceAll(bootstrap, Topics.EXPERIMENTS_SUBMITTED, specs);

        List<ConsumerRecord<String, String>> completed = KafkaTestClients.awaitRecords(bootstrap,
                Topics.EXPERIMENTS_COMPLETED, record -> record.key().startsWith(prefix), EXPERIMENTS,
                Duration.ofMinutes(10));
        assertEquals(EXPERIMENTS, completed.stream().map(ConsumerRecord::key).distinct().count(),
                "every experiment completes");

        JsonNode first = pipeline.orchestrator().experiment(prefix + 0);
        assertEquals("above_max", first.path("status").asText(), first.toString());
        assertEquals(20, first.path("emm").asInt());
        assertEquals(2, first.path("points").size());
        for (String id : specs.keySet()) {
            JsonNode view = pipeline.orchestrator().experiment(id);
            assertEquals(first.path("status"), view.path("status"), id);
            assertEquals(first.path("bracket"), view.path("bracket"), id);
            assertEquals(first.path("points"), view.path("points"), id);
        }

        List<ConsumerRecord<String, String>> events = KafkaTestClients.readToEnd(bootstrap,
                List.of(Topics.EXPERIMENTS_SUBMITTED, Topics.TRAIN_REQUESTS, Topics.SNAPSHOTS_SAVED,
                        Topics.SAMPLES_READY, Topics.METRIC_RESULTS, Topics.EXPERIMENTS_COMPLETED),
                record -> record.key() != null && record.key().startsWith(prefix));
        Map<String, Long> submittedAt = firstTimestamps(events, Topics.EXPERIMENTS_SUBMITTED);
        Map<String, Long> completedAt = firstTimestamps(events, Topics.EXPERIMENTS_COMPLETED);
        long batchStart = submittedAt.values().stream().min(Long::compare).orElseThrow();
        List<Double> completion = new ArrayList<>();
        for (String id : specs.keySet()) {
            completion.add((completedAt.get(id) - batchStart) / 1000.0);
        }
        Summary completionTimes = Summary.of(completion);
        System.err.printf(Locale.ROOT, "LOAD completion after submission (s): %s%n", completionTimes);
        stageLatencies(events, submittedAt, completedAt).forEach((stage, summary) ->
                System.err.printf(Locale.ROOT, "LOAD stage %s (s): %s%n", stage, summary));
        assertTrue(completionTimes.max() <= MAX_LAST_OVER_MEDIAN * completionTimes.median(),
                "an experiment starved: " + completionTimes);
    }

    /**
     * Per stage, over every run of the batch: how long from one event to the next (queueing and
     * work), from the events' timestamps; and how long the work itself took, as the services report it.
     */
    private static Map<String, Summary> stageLatencies(List<ConsumerRecord<String, String>> events,
            Map<String, Long> submittedAt, Map<String, Long> completedAt) {
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        Map<String, Long> requested = new HashMap<>();
        Map<String, Long> saved = new HashMap<>();
        Map<String, Long> sampled = new HashMap<>();
        Map<String, List<long[]>> runsByExperiment = new HashMap<>();
        List<ConsumerRecord<String, String>> inTimeOrder = new ArrayList<>(events);
        inTimeOrder.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        for (ConsumerRecord<String, String> record : inTimeOrder) {
            JsonNode event = read(record.value());
            String run = record.key();
            String snapshot = run + "/" + event.path("snapshot").asInt();
            switch (record.topic()) {
                case Topics.TRAIN_REQUESTS -> {
                    requested.putIfAbsent(run, record.timestamp());
                    runsByExperiment.computeIfAbsent(event.path("run").path("experimentId").asText(), e -> new ArrayList<>())
                            .add(new long[] {record.timestamp(), 0});
                }
                case Topics.SNAPSHOTS_SAVED -> {
                    saved.putIfAbsent(snapshot, record.timestamp());
                    add(stages, "1 train request -> snapshot saved (queue + train)", record.timestamp() - requested.get(run));
                }
                case Topics.SAMPLES_READY -> {
                    sampled.putIfAbsent(snapshot, record.timestamp());
                    add(stages, "2 snapshot saved -> samples ready (queue + sampling)", record.timestamp() - saved.get(snapshot));
                }
                case Topics.METRIC_RESULTS -> {
                    add(stages, "3 samples ready -> metric result (queue + metric)", record.timestamp() - sampled.get(snapshot));
                    add(stages, "3a sampling work", Math.round(1000 * event.path("sampling").path("wallSeconds").asDouble()));
                    add(stages, "3b metric work", Math.round(1000 * event.path("metric").path("wallSeconds").asDouble()));
                    runsByExperiment.computeIfAbsent(event.path("run").path("experimentId").asText(), e -> new ArrayList<>())
                            .add(new long[] {record.timestamp(), 1});
                }
                default -> {
                }
            }
        }
        for (var experiment : runsByExperiment.entrySet()) {
            List<long[]> timeline = new ArrayList<>(experiment.getValue());
            timeline.sort(Comparator.comparingLong(entry -> entry[0]));
            add(stages, "0 submitted -> first train request (orchestrator)",
                    timeline.get(0)[0] - submittedAt.get(experiment.getKey()));
            for (int i = 1; i < timeline.size(); i++) {
                if (timeline.get(i - 1)[1] == 1 && timeline.get(i)[1] == 0) {
                    add(stages, "4 metric result -> next train request (orchestrator)", timeline.get(i)[0] - timeline.get(i - 1)[0]);
                }
            }
            add(stages, "5 last metric result -> completed (orchestrator)",
                    completedAt.get(experiment.getKey()) - timeline.get(timeline.size() - 1)[0]);
        }
        Map<String, Summary> summaries = new LinkedHashMap<>();
        stages.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(stage -> summaries.put(stage.getKey(), Summary.of(stage.getValue())));
        return summaries;
    }

    private static void add(Map<String, List<Double>> stages, String stage, long millis) {
        stages.computeIfAbsent(stage, s -> new ArrayList<>()).add(millis / 1000.0);
    }

    private static Map<String, Long> firstTimestamps(List<ConsumerRecord<String, String>> events, String topic) {
        Map<String, Long> first = new HashMap<>();
        events.stream().filter(record -> record.topic().equals(topic))
                .forEach(record -> first.putIfAbsent(record.key(), record.timestamp()));
        return first;
    }

    private static JsonNode read(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Count, minimum, median, 90th percentile and maximum of a list of seconds. */
    record Summary(int count, double min, double median, double p90, double max) {

        static Summary of(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            return new Summary(sorted.size(), sorted.get(0), percentile(sorted, 0.5), percentile(sorted, 0.9),
                    sorted.get(sorted.size() - 1));
        }

        private static double percentile(List<Double> sorted, double q) {
            return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "n %d, min %.2f, median %.2f, p90 %.2f, max %.2f", count, min, median, p90, max);
        }
    }
}
