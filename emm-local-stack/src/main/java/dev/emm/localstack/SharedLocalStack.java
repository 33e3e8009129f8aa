package dev.emm.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One {@link LocalStack} per JVM for tests: the first caller starts it in a temporary directory,
 * every later test class reuses the same broker and store, and JVM exit stops it and deletes
 * the directory. Tests share it, so each test uses its own ids, keys and consumer groups.
 */
public final class SharedLocalStack {

    private static LocalStack stack;

    private SharedLocalStack() {
    }

    /** Starts the stack on first use; a failed start is retried by the next caller. */
    public static synchronized LocalStack get() {
        if (stack == null) {
            Path directory = createTemporaryDirectory();
            LocalStack started;
            try {
                started = LocalStack.start(LocalStackSettings.onFreePorts(directory));
            } catch (RuntimeException e) {
                deleteRecursively(directory);
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                deleteRecursively(directory);
            }, "emm-local-stack-shutdown"));
            stack = started;
        }
        return stack;
    }

    private static Path createTemporaryDirectory() {
        try {
            return Files.createTempDirectory("emm-local-stack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
