package dev.emm.cli;

import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.report.ExperimentReport;
import dev.emm.core.report.SweepReport;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.sweep.SweepMember;
import dev.emm.core.sweep.SweepResult;
import dev.emm.core.sweep.SweepState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emm report ID}: the experiment's self-contained HTML report ({@link ExperimentReport}),
 * built from the store as it stands, written to {@code DIR/ID.html}; prints the file's path. For a
 * sweep id, the sweep's report ({@link SweepReport}) as {@code DIR/ID.html} and beside it each value's
 * experiment report, which it links to.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write an experiment's report: one self-contained HTML page (ratio against |D|, per-run "
                + "snapshots, samples beside their nearest training images, compute, spec). For a sweep: EMM per "
                + "value and every value's ratio curve, beside each value's experiment report.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "An experiment id or a sweep id.")
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

    /**
     * Builds the report of {@code id} (an experiment, else a sweep) from {@code source} and writes it
     * under {@code directory}; returns the file of {@code id}.
     */
    public static Path write(String id, StoreSource source, Path directory) throws IOException {
        if (source.find(StorageLayout.experimentState(id)).isEmpty()) {
            Optional<byte[]> sweep = source.find(StorageLayout.sweepState(id));
            if (sweep.isPresent()) {
                return writeSweep(Json.read(sweep.get(), SweepState.class), source, directory);
            }
        }
        return writeExperiment(id, source, directory);
    }

    /** The sweep's report and, for each member experiment that exists, its report beside it. */
    private static Path writeSweep(SweepState sweep, StoreSource source, Path directory) throws IOException {
        SweepResult result = SweepResult.of(sweep, experimentId -> source.find(StorageLayout.experimentState(experimentId))
                .map(bytes -> Json.read(bytes, ExperimentState.class)));
        for (SweepMember member : sweep.members()) {
            if (source.find(StorageLayout.experimentState(member.experimentId())).isPresent()) {
                writeExperiment(member.experimentId(), source, directory);
            }
        }
        return writeHtml(directory, sweep.sweepId(), SweepReport.html(result, experimentId -> experimentId + ".html"));
    }

    private static Path writeExperiment(String experimentId, StoreSource source, Path directory) throws IOException {
        byte[] state = source.find(StorageLayout.experimentState(experimentId))
                .orElseThrow(() -> new CliException("no experiment or sweep '" + experimentId + "' in "
                        + source.description()));
        ExperimentState experiment = Json.read(state, ExperimentState.class);
        if (experiment.spec() == null) {
            // failed at start because its stored state was unreadable: nothing to draw, as GET .../report answers 404
            throw new CliException("experiment '" + experimentId + "' has no report: " + experiment.result().message());
        }
        return writeHtml(directory, experimentId, ExperimentReport.html(experiment, source::find));
    }

    private static Path writeHtml(Path directory, String id, String html) throws IOException {
        Files.createDirectories(directory.toAbsolutePath());
        Path file = directory.resolve(id + ".html");
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }
}
