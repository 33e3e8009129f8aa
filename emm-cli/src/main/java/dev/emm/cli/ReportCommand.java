package dev.emm.cli;

import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.report.ExperimentReport;
import dev.emm.core.storage.StorageLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emm report ID}: the experiment's self-contained HTML report ({@link ExperimentReport}),
 * built from the store as it stands, written to {@code DIR/ID.html}; prints the file's path.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an experiment's report: one self-contained HTML page (ratio against |D|, per-run "
                + "snapshots, samples beside their nearest training images, compute, spec).")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "An experiment id.")
    String id;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: the current folder).")
    Path out;

    @Mixin
    StoreOption store;

    @Override
    public Integer call() throws IOException {
        try (StoreSource source = store.holding(id)) {
            System.err.println("report of " + id + " from " + source.description());
            System.out.println(write(id, source, out != null ? out : Path.of("")).toAbsolutePath());
        }
        return 0;
    }

    /** Builds the report of {@code experimentId} from {@code source} and writes it under {@code directory}. */
    public static Path write(String experimentId, StoreSource source, Path directory) throws IOException {
        byte[] state = source.find(StorageLayout.experimentState(experimentId))
                .orElseThrow(() -> new CliException("no experiment '" + experimentId + "' in " + source.description()));
        ExperimentState experiment = Json.read(state, ExperimentState.class);
        if (experiment.spec() == null) {
            // failed at start because its stored state was unreadable: nothing to draw, as GET .../report answers 404
            throw new CliException("experiment '" + experimentId + "' has no report: " + experiment.result().message());
        }
        String html = ExperimentReport.html(experiment, source::find);
        Files.createDirectories(directory.toAbsolutePath());
        Path file = directory.resolve(experimentId + ".html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }
}
