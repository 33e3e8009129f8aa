package dev.emm.localstack;

import dev.emm.core.json.Json;
import dev.emm.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The {@code stack.json} that a running {@link LocalStackMain} leaves for the CLI and the
 * services: where Kafka and S3 listen and how to sign in. {@code pid} is the process that wrote
 * it, so a reader can tell a live stack's file from one left by a stopped run.
 */
public record StackDescriptor(String bootstrapServers, String s3Endpoint, String accessKey, String secretKey,
        String bucket, long pid) {

    public static final String FILE_NAME = "stack.json";

    public static StackDescriptor of(LocalStack stack) {
        StoreConfig store = stack.storeConfig();
        return new StackDescriptor(stack.bootstrapServers(), store.endpoint(), store.accessKey(), store.secretKey(),
                store.bucket(), ProcessHandle.current().pid());
    }

    public static Optional<StackDescriptor> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readAllBytes(file), StackDescriptor.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a private temporary file and renames it over {@code file}, so a reader sees either
     * no file or a complete one, and the secret is never readable by other users.
     */
    public void write(Path file) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temporary, Json.toPrettyString(this).getBytes(StandardCharsets.UTF_8));
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public S3Credentials credentials() {
        return new S3Credentials(accessKey, secretKey);
    }

    public StoreConfig storeConfig() {
        return new StoreConfig(s3Endpoint, accessKey, secretKey, bucket);
    }

    @Override
    public String toString() {
        return "StackDescriptor[bootstrapServers=" + bootstrapServers + ", s3Endpoint=" + s3Endpoint + ", accessKey="
                + accessKey + ", secretKey=***, bucket=" + bucket + ", pid=" + pid + "]";
    }
}
