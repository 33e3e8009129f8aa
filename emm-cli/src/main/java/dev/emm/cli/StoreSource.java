package dev.emm.cli;

import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the CLI reads stored objects from: a running store through its S3 API, or the folder in
 * which a stopped local stack keeps them (S3Proxy's file-system backend stores the object
 * {@code KEY} of bucket {@code B} as the file {@code s3/B/KEY} under the stack's directory).
 */
interface StoreSource extends AutoCloseable {

    Optional<byte[]> find(String key);

    /** Every key under the prefix, in lexicographic order. */
    List<String> list(String prefix);

    String description();

    @Override
    default void close() {
    }

    static StoreSource s3(StoreConfig config) {
        ObjectStore store = new ObjectStore(config);
        return new StoreSource() {
            @Override
            public Optional<byte[]> find(String key) {
                return store.find(key);
            }

            @Override
            public List<String> list(String prefix) {
                return store.list(prefix);
            }

            @Override
            public String description() {
                return "the store at " + config.endpoint() + " (bucket " + config.bucket() + ")";
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    /** The objects of {@code bucket} kept under a local stack's directory. */
    static StoreSource directory(Path stackDirectory, String bucket) {
        Path root = stackDirectory.resolve("s3").resolve(bucket);
        return new StoreSource() {
            @Override
            public Optional<byte[]> find(String key) {
                Path file = root.resolve(key);
                try {
                    return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public List<String> list(String prefix) {
                Path start = root.resolve(prefix);
                if (!Files.isDirectory(start)) {
                    return List.of();
                }
                try (Stream<Path> files = Files.walk(start)) {
                    return files.filter(Files::isRegularFile)
                            .map(f -> root.relativize(f).toString().replace('\\', '/'))
                            .sorted()
                            .toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String description() {
                return "the local store in " + stackDirectory;
            }
        };
    }
}
