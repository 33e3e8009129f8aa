package dev.emm.testsupport;

import dev.emm.cli.LocalPipeline;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches which runs the pipeline's trainers train, by polling every trainer's Prometheus endpoint:
 * a trainer exports {@code emm_training_loss{run="..."}} exactly while it trains that run. A run seen
 * on two trainers in the same poll trained on both at once, which the run lease must prevent. A
 * trainer that is down or restarting is skipped for that poll.
 */
public final class TrainingOverlapWatch implements AutoCloseable {

    private static final Pattern TRAINING = Pattern.compile("^emm_training_loss\\{[^}]*run=\"([^\"]+)\"", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final LocalPipeline pipeline;
    private final List<String> trainers;
    private final Duration interval;
    private final Thread thread;
    private final List<String> overlaps = new ArrayList<>();
    private final Set<String> runsSeen = new TreeSet<>();
    private final Map<String, Set<String>> trainersByRun = new HashMap<>();
    private volatile boolean running = true;
    private int polls;

    private TrainingOverlapWatch(LocalPipeline pipeline, List<String> trainers, Duration interval) {
        this.pipeline = pipeline;
        this.trainers = trainers;
        this.interval = interval;
        this.thread = new Thread(this::watch, "training-overlap-watch");
        this.thread.setDaemon(true);
    }

    /** Starts polling every trainer instance of the pipeline at this interval. */
    public static TrainingOverlapWatch start(LocalPipeline pipeline, Duration interval) {
        List<String> trainers = pipeline.instances().stream().filter(i -> i.startsWith(LocalPipeline.TRAINER)).toList();
        TrainingOverlapWatch watch = new TrainingOverlapWatch(pipeline, trainers, interval);
        watch.thread.start();
        return watch;
    }

    private void watch() {
        while (running) {
            Map<String, String> trainerOfRun = new HashMap<>();
            for (String trainer : trainers) {
                for (String run : trainingRuns(trainer)) {
                    String other = trainerOfRun.putIfAbsent(run, trainer);
                    synchronized (this) {
                        runsSeen.add(run);
                        trainersByRun.computeIfAbsent(run, r -> new TreeSet<>()).add(trainer);
                        if (other != null) {
                            overlaps.add("run " + run + " on " + other + " and " + trainer + " at "
                                    + java.time.Instant.now());
                        }
                    }
                }
            }
            synchronized (this) {
                polls++;
            }
            Experiments.sleep(interval.toMillis());
        }
    }

    private List<String> trainingRuns(String trainer) {
        try {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.service(trainer).url() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<String> runs = new ArrayList<>();
            Matcher matcher = TRAINING.matcher(metrics);
            while (matcher.find()) {
                runs.add(matcher.group(1));
            }
            return runs;
        } catch (IOException down) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Each time a run was seen on two trainers in one poll; empty if never. */
    public synchronized List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** The runs seen in training on any trainer. */
    public synchronized Set<String> runsSeen() {
        return Set.copyOf(runsSeen);
    }

    /** The trainers each run was seen on (at different times, unless it overlapped). */
    public synchronized Map<String, Set<String>> trainersByRun() {
        return Map.copyOf(trainersByRun);
    }

    public synchronized int polls() {
        return polls;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
