package dev.emm.cli;

import dev.emm.store.ObjectStore;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the CLI reads stored objects from: a running store through its S3 API, or the folder in
 * which a stopped local stack keeps them (S3Proxy's file-system backend stores the object
 * {@code KEY} of bucket {@code B} as the file {@code s3/B/KEY} under the stack's directory).
 */
public interface StoreSource extends AutoCloseable {

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

    /**
     * The store that holds {@code experimentId}: the folder {@code storeDirectory} when given, else the
     * store {@code EMM_STORE_ENDPOINT} names, else the running 'emm up' stack, else the newest local
     * stack folder holding the experiment or sweep ({@code .emm/stack}, then {@code .emm/runs/*}).
     */
    static StoreSource holding(String experimentId, Path storeDirectory) throws IOException {
        String bucket = Optional.ofNullable(System.getenv("EMM_STORE_BUCKET")).orElse(StorageLayout.DEFAULT_BUCKET);
        if (storeDirectory != null) {
            return directory(storeDirectory, bucket);
        }
        String endpoint = System.getenv("EMM_STORE_ENDPOINT");
        if (endpoint != null) {
            return s3(new StoreConfig(endpoint, System.getenv("EMM_STORE_ACCESS_KEY"),
                    System.getenv("EMM_STORE_SECRET_KEY"), bucket));
        }
        StackControl stack = new StackControl();
        if (stack.running("stack")) {
            return s3(stack.stack().storeConfig());
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(EmmHome.stateDirectory().resolve("stack"));
        Path runs = EmmHome.stateDirectory().resolve("runs");
        if (Files.isDirectory(runs)) {
            try (Stream<Path> list = Files.list(runs)) {
                list.sorted(Comparator.reverseOrder()).forEach(candidates::add);
            }
        }
        for (Path candidate : candidates) {
            Path bucketDirectory = candidate.resolve("s3").resolve(bucket);
            if (Files.isDirectory(bucketDirectory.resolve(StorageLayout.experimentPrefix(experimentId)))
                    || Files.isDirectory(bucketDirectory.resolve(StorageLayout.sweepPrefix(experimentId)))) {
                return directory(candidate, bucket);
            }
        }
        throw new CliException("no stack is up and no local store under " + EmmHome.stateDirectory() + " holds '"
                + experimentId + "'; start one with './emm up', or name a folder with --store");
    }
}
