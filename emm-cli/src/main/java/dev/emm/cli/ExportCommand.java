package dev.emm.cli;

import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.EdmExport;
import dev.emm.djl.ModelSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emm export ID}: a run's or an experiment's snapshots in files anyone can check. Per
 * snapshot: {@code model.safetensors} (the weights under EDM's state_dict names, see
 * {@link EdmExport}), {@code samples.npz} and {@code samples/} (PNG files, see {@link SampleImages})
 * and {@code metric.json}, under {@code OUT/RUN/snapshot-NNNNNN/}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the snapshots of a run or an experiment: weights as safetensors under EDM's parameter "
                + "names, samples as PNG files and an NPZ, and the metric.")
final class ExportCommand implements Callable<Integer> {

    private static final Pattern RUN_ID = Pattern.compile("(.+)-n\\d+-s\\d+");
    private static final Pattern SNAPSHOT_KEY = Pattern.compile("experiments/[^/]+/runs/([^/]+)/snapshots/(\\d{6})/([^/]+)");

    @Parameters(index = "0", paramLabel = "ID", description = "An experiment id, or a run id (EXPERIMENT-nSIZE-sSEED).")
    String id;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ./ID).")
    Path out;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() throws IOException {
        String experimentId = experimentOf(id);
        try (StoreSource source = store.holding(experimentId)) {
            Map<String, Map<Integer, Set<String>>> snapshots = snapshots(source, experimentId);
            if (snapshots.isEmpty()) {
                throw new CliException("no snapshots of '" + id + "' in " + source.description());
            }
            Path target = out != null ? out : Path.of(id);
            System.err.println("exporting from " + source.description() + " to " + target);
            boolean optimum = optimum(source, experimentId);
            for (Map.Entry<String, Map<Integer, Set<String>>> run : snapshots.entrySet()) {
                for (Map.Entry<Integer, Set<String>> snapshot : run.getValue().entrySet()) {
                    exportSnapshot(source, experimentId, run.getKey(), snapshot.getKey(), snapshot.getValue(), optimum,
                            target.resolve(run.getKey()).resolve(String.format("snapshot-%06d", snapshot.getKey())));
                }
            }
            System.out.println(target.toAbsolutePath());
        }
        return 0;
    }

    /** The experiment an id names: the id itself, or the experiment of a run id. */
    private String experimentOf(String given) {
        Matcher m = RUN_ID.matcher(given);
        return m.matches() ? m.group(1) : given;
    }

    /**
     * True when the experiment's state says its model is the optimum, whose snapshot is the training
     * subset itself (not worth downloading to find it has no weights); a missing or unreadable state
     * says nothing, and the snapshot's bytes decide.
     */
    private static boolean optimum(StoreSource source, String experimentId) {
        Optional<byte[]> state = source.find(StorageLayout.experimentState(experimentId));
        try {
            return state.map(bytes -> Json.read(bytes, ExperimentState.class).spec())
                    .map(spec -> spec.model().isOptimum())
                    .orElse(false);
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /** Runs (only the one named, when ID is a run) and their snapshots' files, in order. */
    private Map<String, Map<Integer, Set<String>>> snapshots(StoreSource source, String experimentId) {
        Map<String, Map<Integer, Set<String>>> result = new TreeMap<>();
        for (String key : source.list(StorageLayout.experimentPrefix(experimentId) + "runs/")) {
            Matcher m = SNAPSHOT_KEY.matcher(key);
            if (m.matches() && (id.equals(experimentId) || id.equals(m.group(1)))) {
                result.computeIfAbsent(m.group(1), r -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(m.group(2)), s -> new TreeSet<>()).add(m.group(3));
            }
        }
        return result;
    }

    private void exportSnapshot(StoreSource source, String experimentId, String runId, int snapshot, Set<String> files,
            boolean optimum, Path directory) throws IOException {
        Files.createDirectories(directory);
        List<String> written = new ArrayList<>();
        Optional<byte[]> model = optimum ? Optional.empty()
                : listed(source, files, StorageLayout.snapshotModel(experimentId, runId, snapshot));
        if (model.isPresent() && ModelSnapshot.isSnapshot(model.get())) {
            Files.write(directory.resolve("model.safetensors"), EdmExport.safetensors(model.get()));
            written.add("model.safetensors");
        }
        Optional<byte[]> samples = listed(source, files, StorageLayout.snapshotSamples(experimentId, runId, snapshot));
        if (samples.isPresent()) {
            var images = ImageSetCodec.fromBytes(samples.get());
            try (OutputStream npz = Files.newOutputStream(directory.resolve("samples.npz"))) {
                SampleImages.writeNpz(images, npz);
            }
            SampleImages.writePngs(images, directory.resolve("samples"));
            written.add("samples.npz");
            written.add("samples/ (" + images.size() + " PNG)");
        }
        Optional<byte[]> metric = listed(source, files, StorageLayout.snapshotMetric(experimentId, runId, snapshot));
        if (metric.isPresent()) {
            Files.write(directory.resolve("metric.json"), metric.get());
            written.add("metric.json");
        }
        System.err.printf("%s snapshot %d: %s%n", runId, snapshot, written.isEmpty() ? "nothing to export yet"
                : String.join(", ", written));
    }

    /** The object at {@code key} when the listing named its file, without asking the store for one it lacks. */
    private static Optional<byte[]> listed(StoreSource source, Set<String> files, String key) {
        return files.contains(key.substring(key.lastIndexOf('/') + 1)) ? source.find(key) : Optional.empty();
    }
}
