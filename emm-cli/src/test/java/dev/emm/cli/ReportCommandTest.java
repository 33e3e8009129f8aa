package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentStateMachine;
import dev.emm.core.spec.SweepExpansion;
import dev.emm.core.storage.StorageLayout;
import dev.emm.core.sweep.SweepState;
import java.util.HashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emm report} of an experiment that has nothing to draw says why instead of failing inside; of a
 * sweep, writes its page and each existing value's report beside it.
 */
class ReportCommandTest {

    private static StoreSource holding(Map<String, byte[]> objects) {
        return new StoreSource() {
            @Override
            public Optional<byte[]> find(String key) {
                return Optional.ofNullable(objects.get(key));
            }

            @Override
            public List<String> list(String prefix) {
                return objects.keySet().stream().filter(key -> key.startsWith(prefix)).sorted().toList();
            }

            @Override
            public String description() {
                return "memory";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void anExperimentFailedForAnUnreadableStateHasNoReportAndTheMessageSaysWhy(@TempDir Path dir) {
        String id = "broken-1";
        byte[] state = Json.toBytes(ExperimentStateMachine.unreadable(id, "malformed JSON at byte 12").state());
        CliException error = assertThrows(CliException.class,
                () -> ReportCommand.write(id, holding(Map.of(StorageLayout.experimentState(id), state)), dir));
        assertEquals("experiment 'broken-1' has no report: malformed JSON at byte 12", error.getMessage());
        assertTrue(!Files.exists(dir.resolve(id + ".html")));
    }

    @Test
    void anUnknownExperimentIsNamed(@TempDir Path dir) {
        CliException error = assertThrows(CliException.class, () -> ReportCommand.write("nope", holding(Map.of()), dir));
        assertEquals("no experiment or sweep 'nope' in memory", error.getMessage());
    }

    @Test
    void aSweepsReportLinksToEachValuesReportWrittenBesideIt(@TempDir Path dir) throws Exception {
        SweepState sweep = SweepState.start("res-1", SweepExpansion.expand(Json.read("""
                {"name": "res", "model": {"kind": "optimum"}, "search": {"minSize": 10, "maxSize": 40},
                 "sweep": {"factor": "data.resolution", "values": [8, 16]}}
                """, JsonNode.class)));
        Map<String, byte[]> objects = new HashMap<>();
        objects.put(StorageLayout.sweepState("res-1"), Json.toBytes(sweep));
        // the first value's experiment has started; the second's not yet (a restart will create it)
        objects.put(StorageLayout.experimentState("res-1-v0"), Json.toBytes(ExperimentStateMachine.start("res-1-v0",
                sweep.members().get(0).spec()).state()));

        Path file = ReportCommand.write("res-1", holding(objects), dir);

        assertEquals(dir.resolve("res-1.html"), file);
        String html = Files.readString(file);
        assertTrue(html.contains("<a href=\"res-1-v0.html\">res-1-v0</a>"), html);
        assertTrue(html.contains("<a href=\"res-1-v1.html\">res-1-v1</a>"));
        assertTrue(html.contains("Status <b>running</b>"));
        assertTrue(Files.readString(dir.resolve("res-1-v0.html")).contains("<h1>EMM report: res-1-v0</h1>"));
        assertTrue(!Files.exists(dir.resolve("res-1-v1.html")), "no report for an experiment that does not exist");
    }
}
