package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.spec.Presets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code emm presets} lists every preset on one line with what it is. */
class PresetsCommandTest {

    @Test
    void oneLinePerPresetWithItsDescription() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, EmmCli.execute("presets"));
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(Presets.NAMES.size(), lines.size());
        assertEquals(19, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String name = Presets.NAMES.get(i);
            assertTrue(lines.get(i).startsWith(name + " "), lines.get(i));
            assertTrue(lines.get(i).endsWith(Presets.about(name)), lines.get(i));
        }
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("paper-ema ") && line.contains("mode4")));
    }
}
