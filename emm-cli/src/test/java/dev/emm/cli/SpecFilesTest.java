package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's check of a spec file before the stack starts: experiments and sweeps, as the orchestrator takes them. */
class SpecFilesTest {

    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void everyExampleSpecPassesAndReadsBackUnchanged() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            examples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(examples.stream().anyMatch(p -> p.endsWith("sweep-resolution.json")), examples.toString());
        assertTrue(examples.stream().anyMatch(p -> p.getParent().endsWith("paper")), examples.toString());
        for (Path example : examples) {
            assertEquals(Files.readString(example), SpecFiles.read(example), example.toString());
        }
    }

    @Test
    void aSweepOverAPresetPasses(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("sweep.json");
        Files.writeString(spec, """
                {"name": "width", "preset": "small-ddpmpp-mnist",
                 "sweep": {"factor": "model.modelChannels", "values": [8, 16]}}""");
        assertEquals(Files.readString(spec), SpecFiles.read(spec));
    }

    @Test
    void aSweepWithAnUnknownFactorOrABadValueIsRejectedNamingTheField(@TempDir Path dir) throws IOException {
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, """
                {"preset": "small-ddpmpp-mnist", "sweep": {"factor": "model.colour", "values": [1, 2]}}""");
        CliException e = assertThrows(CliException.class, () -> SpecFiles.read(unknown));
        assertTrue(e.getMessage().startsWith(unknown + " is not a valid sweep: "), e.getMessage());
        assertTrue(e.getMessage().contains("sweep.factor"), e.getMessage());

        Path badValue = dir.resolve("bad-value.json");
        Files.writeString(badValue, """
                {"preset": "small-ddpmpp-mnist", "sweep": {"factor": "data.resolution", "values": [16, -8]}}""");
        e = assertThrows(CliException.class, () -> SpecFiles.read(badValue));
        assertTrue(e.getMessage().contains("sweep.values[1]"), e.getMessage());
        assertFalse(e.getMessage().contains("sweep.values[0]"), e.getMessage());
    }

    @Test
    void aSingleSpecIsAskedForWhereOneExperimentIsMeant() {
        CliException e = assertThrows(CliException.class, () -> SpecFiles.experiment(
                "{\"preset\": \"small-ddpmpp-mnist\", \"sweep\": {\"factor\": \"data.resolution\", \"values\": [8, 16]}}",
                "sweep.json"));
        assertTrue(e.getMessage().contains("names a sweep"), e.getMessage());
    }

    @Test
    void anUnknownFieldOfAnExperimentIsStillRejected(@TempDir Path dir) throws IOException {
        Path spec = dir.resolve("typo.json");
        Files.writeString(spec, "{\"preset\": \"small-ddpmpp-mnist\", \"trainig\": {}}");
        CliException e = assertThrows(CliException.class, () -> SpecFiles.read(spec));
        assertTrue(e.getMessage().contains("is not a valid experiment spec") && e.getMessage().contains("trainig"),
                e.getMessage());
    }

    @Test
    void malformedJsonAndANonObjectAreRejectedBeforeAnythingStarts(@TempDir Path dir) throws IOException {
        Path truncated = dir.resolve("truncated.json");
        Files.writeString(truncated, "{\"preset\": \"small-ddpmpp-mnist\"");
        CliException e = assertThrows(CliException.class, () -> SpecFiles.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated + " is not valid JSON: "), e.getMessage());

        Path list = dir.resolve("list.json");
        Files.writeString(list, "[1, 2]");
        e = assertThrows(CliException.class, () -> SpecFiles.read(list));
        assertTrue(e.getMessage().endsWith("a spec is a JSON object"), e.getMessage());
    }
}
