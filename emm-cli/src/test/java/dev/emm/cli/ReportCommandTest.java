package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import dev.emm.core.orchestration.ExperimentStateMachine;
import dev.emm.core.storage.StorageLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emm report} of an experiment that has nothing to draw says why instead of failing inside. */
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
        assertEquals("no experiment 'nope' in memory", error.getMessage());
    }
}
