package dev.emm.cli;

import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.EdmExport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
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
    private static final byte[] NETWORK_MAGIC = "EMMNET".getBytes(StandardCharsets.US_ASCII);

    @Parameters(index = "0", paramLabel = "ID", description = "An experiment id, or a run id (EXPERIMENT-nSIZE-sSEED).")
    String id;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ./ID).")
    Path out;

    @Option(names = "--store", paramLabel = "DIR", description = "Read a local stack's folder instead of a running "
            + "store: .emm/stack (the 'emm up' stack), or .emm/runs/TIME (an 'emm run'). Default: the store named by "
            + "EMM_STORE_ENDPOINT, else the running 'emm up' stack, else the newest local folder that holds ID.")
    Path store;

    @Override
    public Integer call() throws IOException {
        String experimentId = experimentOf(id);
        try (StoreSource source = StoreSource.holding(experimentId, store)) {
            Map<String, Map<Integer, List<String>>> snapshots = snapshots(source, experimentId);
            if (snapshots.isEmpty()) {
                throw new CliException("no snapshots of '" + id + "' in " + source.description());
            }
            Path target = out != null ? out : Path.of(id);
            System.err.println("exporting from " + source.description() + " to " + target);
            for (Map.Entry<String, Map<Integer, List<String>>> run : snapshots.entrySet()) {
                for (Map.Entry<Integer, List<String>> snapshot : run.getValue().entrySet()) {
                    exportSnapshot(source, experimentId, run.getKey(), snapshot.getKey(),
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

    /** Runs (only the one named, when ID is a run) and their snapshots' files, in order. */
    private Map<String, Map<Integer, List<String>>> snapshots(StoreSource source, String experimentId) {
        Map<String, Map<Integer, List<String>>> result = new TreeMap<>();
        for (String key : source.list(StorageLayout.experimentPrefix(experimentId) + "runs/")) {
            Matcher m = SNAPSHOT_KEY.matcher(key);
            if (m.matches() && (id.equals(experimentId) || id.equals(m.group(1)))) {
                result.computeIfAbsent(m.group(1), r -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(m.group(2)), s -> new ArrayList<>()).add(m.group(3));
            }
        }
        return result;
    }

    private void exportSnapshot(StoreSource source, String experimentId, String runId, int snapshot, Path directory)
            throws IOException {
        Files.createDirectories(directory);
        List<String> written = new ArrayList<>();
        Optional<byte[]> model = source.find(StorageLayout.snapshotModel(experimentId, runId, snapshot));
        if (model.isPresent() && startsWith(model.get(), NETWORK_MAGIC)) {
            Files.write(directory.resolve("model.safetensors"), EdmExport.safetensors(model.get()));
            written.add("model.safetensors");
        }
        Optional<byte[]> samples = source.find(StorageLayout.snapshotSamples(experimentId, runId, snapshot));
        if (samples.isPresent()) {
            var images = ImageSetCodec.fromBytes(samples.get());
            try (OutputStream npz = Files.newOutputStream(directory.resolve("samples.npz"))) {
                SampleImages.writeNpz(images, npz);
            }
            SampleImages.writePngs(images, directory.resolve("samples"));
            written.add("samples.npz");
            written.add("samples/ (" + images.size() + " PNG)");
        }
        Optional<byte[]> metric = source.find(StorageLayout.snapshotMetric(experimentId, runId, snapshot));
        if (metric.isPresent()) {
            Files.write(directory.resolve("metric.json"), metric.get());
            written.add("metric.json");
        }
        System.err.printf("%s snapshot %d: %s%n", runId, snapshot, written.isEmpty() ? "nothing to export yet"
                : String.join(", ", written));
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
