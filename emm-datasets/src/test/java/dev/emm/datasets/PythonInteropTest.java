package dev.emm.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.datasets.Fixtures.Images;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the pickle handling against real Python and numpy where the machine has them
 * (skipped otherwise): the test fixtures' CIFAR pickles load in Python exactly, and batches that
 * numpy pickles with protocols 2 to 5 import exactly.
 */
@EnabledIf("pythonWithNumpy")
class PythonInteropTest {

    @TempDir
    Path dir;

    static boolean pythonWithNumpy() {
        try {
            return run(List.of("python3", "-c", "import numpy"), null).exitCode == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    record Result(int exitCode, String output) {
    }

    static Result run(List<String> command, Path workDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timeout");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }

    @Test
    void fixturePicklesLoadInPythonAsTheCifarFormatDoes() throws Exception {
        Images images = Fixtures.images(5, 9, Fixtures.CIFAR_DIM, 10);
        Path batch = dir.resolve("data_batch_1");
        Files.write(batch, Fixtures.cifar10Batch("training batch 1 of 5", images));
        String script = """
                import pickle, hashlib, sys
                with open(sys.argv[1], 'rb') as f:
                    d = pickle.load(f, encoding='bytes')
                a = d[b'data']
                print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], hashlib.sha256(a.tobytes()).hexdigest(),
                      ','.join(map(str, d[b'labels'])), d[b'batch_label'].decode())
                """;
        Result result = run(List.of("python3", "-c", script, batch.toString()), dir);
        assertEquals(0, result.exitCode(), result.output());
        String labels = String.join(",", java.util.Arrays.stream(images.labels()).mapToObj(Integer::toString).toList());
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(images.pixels()));
        assertEquals("uint8 (9, 3072) True " + sha + " " + labels + " training batch 1 of 5", result.output());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void batchesPickledByNumpyImportExactly(int protocol) throws Exception {
        String script = """
                import pickle, sys, numpy as np
                rng = np.random.default_rng(7)
                for b in range(1, 6):
                    data = rng.integers(0, 256, size=(3 + b, 3072), dtype=np.uint8)
                    labels = [int(x) for x in rng.integers(0, 10, size=3 + b)]
                    if b == 2:
                        labels = np.array(labels, dtype=np.int64)
                    with open('data_batch_%d' % b, 'wb') as f:
                        pickle.dump({b'batch_label': b'x', b'labels': labels, b'data': data}, f, protocol=int(sys.argv[1]))
                    with open('expected_%d' % b, 'wb') as f:
                        f.write(bytes(np.asarray(labels, dtype=np.uint8)) + data.tobytes())
                """;
        Result result = run(List.of("python3", "-c", script, Integer.toString(protocol)), dir);
        assertEquals(0, result.exitCode(), result.output());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] expectedPixels = new byte[0];
        int[] expectedLabels = new int[0];
        for (int b = 1; b <= 5; b++) {
            entries.put("data_batch_" + b, Files.readAllBytes(dir.resolve("data_batch_" + b)));
            byte[] expected = Files.readAllBytes(dir.resolve("expected_" + b));
            int n = 3 + b;
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = expected[i];
            }
            expectedLabels = concat(expectedLabels, labels);
            expectedPixels = concat(expectedPixels, java.util.Arrays.copyOfRange(expected, n, expected.length));
        }
        Path file = Fixtures.tar(dir.resolve("cifar.tar.gz"), "cifar-10-batches-py", entries, true);
        ImportedDataset imported = DatasetImporter.importFile(file, Optional.empty(), ImportOptions.defaults());
        assertArrayEquals(expectedLabels, imported.images().labels());
        assertArrayEquals(expectedPixels, imported.images().pixels());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
