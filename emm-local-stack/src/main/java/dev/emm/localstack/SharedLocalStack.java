package dev.emm.localstack;

import dev.emm.core.json.Json;
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
 *
 * <p>Quarkus runs each test profile in a class loader of its own, each with its own copy of this
 * class's static fields. The running stack's address is therefore kept in a system property,
 * which every class loader of the JVM sees, and callers get that address rather than the
 * {@link LocalStack} object, whose class differs between loaders.
 */
public final class SharedLocalStack {

    static final String ADDRESS_PROPERTY = "emm.local-stack.shared";

    private SharedLocalStack() {
    }

    /** The JVM's shared stack, started on first use; a failed start is retried by the next caller. */
    public static StackDescriptor get() {
        // String literals are interned JVM-wide, so this lock is shared by every class loader too.
        synchronized (ADDRESS_PROPERTY) {
            String address = System.getProperty(ADDRESS_PROPERTY);
            if (address == null) {
                address = Json.toString(StackDescriptor.of(startInTemporaryDirectory()));
                System.setProperty(ADDRESS_PROPERTY, address);
            }
            return Json.read(address, StackDescriptor.class);
        }
    }

    private static LocalStack startInTemporaryDirectory() {
        Path directory = createTemporaryDirectory();
        LocalStack stack;
        try {
            stack = LocalStack.start(LocalStackSettings.onFreePorts(directory));
        } catch (RuntimeException e) {
            deleteRecursively(directory);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            deleteRecursively(directory);
        }, "emm-local-stack-shutdown"));
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
