package dev.emm.store;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.http.HttpUtils;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The pipeline's only door to object storage: one bucket, whole objects addressed by key. Every
 * failure surfaces as an unchecked {@link ObjectStoreException} naming the key and endpoint, so
 * handlers can let it propagate and rely on at-least-once redelivery.
 *
 * <p>A store that cannot be reached (restarting, failing over) is waited for: with a patience
 * above zero, a call that fails for want of a connection or a response is tried again, after
 * 0.25 s, then twice as long each time up to 5 s, until the patience has passed since its first
 * attempt; only then does its failure surface. A service would otherwise stop its channel at the
 * first refused connection and need a restart (docs/OPERATIONS.md, "Failures"). A conditional
 * write is tried again only when its connection was refused: a write that may have reached the
 * store and been applied would find its own condition broken on the second attempt. Answers of the
 * store (an error response, a missing key, a condition not met) are never retried.
 */
public final class ObjectStore implements AutoCloseable {

    private static final String NO_SUCH_KEY = "NoSuchKey";
    private static final String BUCKET_ALREADY_OWNED = "BucketAlreadyOwnedByYou";
    /** What S3 and MinIO answer a conditional write whose condition does not hold (If-Match on a missing key: NoSuchKey). */
    private static final Set<String> CONDITION_NOT_MET = Set.of("PreconditionFailed", "ConditionalRequestConflict",
            NO_SUCH_KEY);
    /** The MinIO SDK's default connect, write and read timeout. */
    private static final long CLIENT_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final System.Logger LOG = System.getLogger(ObjectStore.class.getName());
    private static final long FIRST_RETRY_MILLIS = 250;
    private static final long LONGEST_RETRY_MILLIS = 5_000;

    private final StoreConfig config;
    private final MinioClient client;
    private final Duration patience;

    /** A client that reports the first failure to reach the store (tools, tests: fail fast). */
    public ObjectStore(StoreConfig config) {
        this(config, Duration.ZERO);
    }

    /**
     * @param patience how long a call waits for a store that cannot be reached before it fails
     *     (the services: {@code emm.store.unreachable-patience-seconds})
     */
    public ObjectStore(StoreConfig config, Duration patience) {
        this.config = config;
        this.patience = patience;
        MinioClient.Builder builder = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                .region(config.region());
        if (config.caCertificates() != null) {
            TrustedCertificates trust = TrustedCertificates.jvmDefaultsPlus(config.caCertificates());
            // The SDK's own client and timeouts, with the CA file's certificates trusted as well.
            OkHttpClient http = HttpUtils.newDefaultHttpClient(CLIENT_TIMEOUT_MILLIS, CLIENT_TIMEOUT_MILLIS,
                    CLIENT_TIMEOUT_MILLIS).newBuilder()
                    .sslSocketFactory(trust.sslContext().getSocketFactory(), trust.trustManager())
                    .build();
            builder.httpClient(http, true);
        }
        this.client = builder.build();
    }

    public StoreConfig config() {
        return config;
    }

    /** Creates the bucket unless it exists; safe when several services race to create it. */
    public void ensureBucket() {
        call("ensureBucket", "", () -> {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                return null;
            }
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).build());
            } catch (ErrorResponseException e) {
                if (!BUCKET_ALREADY_OWNED.equals(e.errorResponse().code())) {
                    throw e;
                }
            }
            return null;
        });
    }

    public void put(String key, byte[] bytes) {
        call("put", key, () -> client.putObject(PutObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                .build()));
    }

    /**
     * Creates the object only if the key is free ({@code If-None-Match: *}, atomic in S3 and MinIO):
     * its entity tag, or empty if an object is there.
     */
    public Optional<String> putIfAbsent(String key, byte[] bytes) {
        return conditionalPut(key, bytes, Map.of("If-None-Match", "*"));
    }

    /**
     * Replaces the object only if it is still at version {@code etag} ({@code If-Match}, atomic in
     * S3 and MinIO): its new entity tag, or empty if it changed or is gone.
     */
    public Optional<String> putIfMatch(String key, byte[] bytes, String etag) {
        return conditionalPut(key, bytes, Map.of("If-Match", "\"" + etag + "\""));
    }

    /** The object with its entity tag, for a later {@link #putIfMatch}; empty if there is none. */
    public Optional<VersionedObject> findVersioned(String key) {
        try {
            return Optional.of(call("get", key, () -> {
                try (GetObjectResponse response = getObject(key)) {
                    return new VersionedObject(response.readAllBytes(), unquoted(response.headers().get("ETag")));
                }
            }));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Uploads a file in multipart chunks, so its size is bounded by the store and not by the heap. */
    public void put(String key, Path file) {
        call("put", key, () -> client.uploadObject(UploadObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .filename(file.toString())
                .build()));
    }

    public byte[] get(String key) {
        return call("get", key, () -> {
            try (InputStream in = getObject(key)) {
                return in.readAllBytes();
            }
        });
    }

    public Optional<byte[]> find(String key) {
        try {
            return Optional.of(get(key));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Streams the object; the caller closes the stream to release the connection. Only the opening
     * waits for an unreachable store: a failure while reading surfaces to the caller.
     */
    public InputStream open(String key) {
        return call("open", key, () -> getObject(key));
    }

    private GetObjectResponse getObject(String key) throws MinioException, GeneralSecurityException, IOException {
        return client.getObject(GetObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .build());
    }

    /** One listing attempt, never retried: whether the store answers now (readiness checks). */
    public void probe() {
        attempt("probe", "health/", () -> {
            // The listing is lazy: a failure arrives as its first result.
            Iterator<Result<Item>> first = client.listObjects(ListObjectsArgs.builder()
                    .bucket(config.bucket())
                    .prefix("health/")
                    .build()).iterator();
            return first.hasNext() ? first.next().get() : null;
        });
    }

    public boolean exists(String key) {
        try {
            size(key);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    public long size(String key) {
        return call("size", key, () -> client.statObject(StatObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .build()).size());
    }

    /** Every key under the prefix, at any depth, in the store's (lexicographic) order. */
    public List<String> list(String prefix) {
        return call("list", prefix, () -> {
            List<String> keys = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(config.bucket())
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                keys.add(result.get().objectName());
            }
            return keys;
        });
    }

    /** Removes the object; removing a missing key is not an error, so retries are harmless. */
    public void delete(String key) {
        call("delete", key, () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
            return null;
        });
    }

    /** Removes every object under the prefix, in batches; fails naming the first key it could not remove. */
    public void deletePrefix(String prefix) {
        List<DeleteObject> targets = list(prefix).stream().map(DeleteObject::new).toList();
        if (targets.isEmpty()) {
            return;
        }
        Optional<DeleteError> firstError = call("deletePrefix", prefix, () -> {
            // The SDK yields failures only, and sends each batch of deletions when asked for the next failure.
            Iterator<Result<DeleteError>> failures = client.removeObjects(RemoveObjectsArgs.builder()
                    .bucket(config.bucket())
                    .objects(targets)
                    .build()).iterator();
            return failures.hasNext() ? Optional.of(failures.next().get()) : Optional.<DeleteError>empty();
        });
        firstError.ifPresent(error -> {
            throw new ObjectStoreException(failure("deletePrefix", error.objectName(), null) + ": " + error.code()
                    + " " + error.message());
        });
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new ObjectStoreException("closing the client of " + location() + " failed", e);
        }
    }

    private Optional<String> conditionalPut(String key, byte[] bytes, Map<String, String> condition) {
        return Optional.ofNullable(call("conditional put", key, false, () -> {
            try {
                return unquoted(client.putObject(PutObjectArgs.builder()
                        .bucket(config.bucket())
                        .object(key)
                        .headers(condition)
                        .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
                        .build()).etag());
            } catch (ErrorResponseException e) {
                if (CONDITION_NOT_MET.contains(e.errorResponse().code())) {
                    return null;
                }
                throw e;
            }
        }));
    }

    private static String unquoted(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    private <T> T call(String operation, String key, StoreCall<T> body) {
        return call(operation, key, true, body);
    }

    /**
     * @param idempotent whether a second attempt is harmless after a first that may have been
     *     applied: then any failure to connect or to get an answer is retried, else only a refused
     *     connection
     */
    private <T> T call(String operation, String key, boolean idempotent, StoreCall<T> body) {
        long deadline = System.nanoTime() + patience.toNanos();
        long pause = FIRST_RETRY_MILLIS;
        while (true) {
            try {
                return attempt(operation, key, body);
            } catch (ObjectStoreException e) {
                boolean unreachable = idempotent ? e.getCause() instanceof IOException
                        : e.getCause() instanceof ConnectException;
                if (!unreachable || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw e;
                }
                if (pause == FIRST_RETRY_MILLIS) {
                    LOG.log(System.Logger.Level.WARNING, "{0}; trying again for up to {1} s", e.getMessage(),
                            patience.toSeconds());
                }
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ObjectStoreException(operation + " of key '" + key + "' in " + location()
                        + " interrupted while waiting for the store", e);
            }
            pause = Math.min(2 * pause, LONGEST_RETRY_MILLIS);
        }
    }

    /** One attempt; an I/O failure surfaces with its IOException as the cause, so {@link #call} can tell it apart. */
    private <T> T attempt(String operation, String key, StoreCall<T> body) {
        try {
            return body.run();
        } catch (ErrorResponseException e) {
            if (NO_SUCH_KEY.equals(e.errorResponse().code())) {
                throw new ObjectNotFoundException(key, location());
            }
            throw new ObjectStoreException(failure(operation, key, e), e);
        } catch (MinioException | GeneralSecurityException | IOException e) {
            throw new ObjectStoreException(failure(operation, key, e), e);
        }
    }

    private String failure(String operation, String key, Exception cause) {
        String detail = cause == null ? "" : ": " + cause.getClass().getSimpleName() + " " + cause.getMessage();
        return operation + " of key '" + key + "' in " + location() + " failed" + detail;
    }

    private String location() {
        return "bucket '" + config.bucket() + "' at " + config.endpoint();
    }

    /** The SDK's calls declare a long list of checked exceptions; this lets one place translate them. */
    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws MinioException, GeneralSecurityException, IOException;
    }
}
