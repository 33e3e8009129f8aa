package dev.emm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.Presets;
import dev.emm.core.training.TrainingSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emm spec show}: a spec as the system runs it, and the numbers its training derives from |D|. */
@Command(name = "spec", mixinStandardHelpOptions = true, description = "Inspect experiment specs offline.",
        subcommands = {SpecCommand.Show.class})
final class SpecCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print SPEC with every default "
            + "filled in and, for a network, its training schedule at |D| = SIZE: batch, duration, learning-rate "
            + "warm-up, EMA half-life, ramp, mode and steady beta, data order (images and epochs). JSON.")
    static final class Show implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "SPEC", description = "A spec file, or a preset name (e.g. paper-ddpmpp-vp).")
        String source;

        @Option(names = "--size", paramLabel = "N", description = "The training-set size |D| to resolve the "
                + "schedule at (default: search.minSize).")
        Integer size;

        @Override
        public Integer call() {
            ExperimentSpec complete = read(source);
            int datasetSize = size != null ? size : complete.search().minSize();
            if (datasetSize < 1) {
                throw new CliException("--size must be at least 1, got " + datasetSize);
            }
            ObjectNode out = Json.mapper().createObjectNode();
            out.set("spec", Json.mapper().valueToTree(complete));
            out.put("size", datasetSize);
            if (complete.model().isOptimum()) {
                out.putNull("schedule");
            } else {
                out.set("schedule", Json.mapper().valueToTree(
                        TrainingSchedule.of(complete.training(), datasetSize).summary()));
            }
            System.out.println(Json.toPrettyString(out));
            return 0;
        }

        private static ExperimentSpec read(String source) {
            Path file = Path.of(source);
            if (Files.isRegularFile(file)) {
                return SpecFiles.experiment(file);
            }
            if (Presets.NAMES.contains(source)) {
                return SpecFiles.experiment("{\"preset\": \"" + source + "\"}", "preset " + source);
            }
            throw new CliException("no spec file or preset named '" + source + "' (presets: " + Presets.NAMES + ")");
        }
    }
}
