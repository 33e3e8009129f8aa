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
import java.nio.file.Path;
import java.security.GeneralSecurityException;
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
 */
public final class ObjectStore implements AutoCloseable {

    private static final String NO_SUCH_KEY = "NoSuchKey";
    private static final String BUCKET_ALREADY_OWNED = "BucketAlreadyOwnedByYou";
    /** What S3 and MinIO answer a conditional write whose condition does not hold (If-Match on a missing key: NoSuchKey). */
    private static final Set<String> CONDITION_NOT_MET = Set.of("PreconditionFailed", "ConditionalRequestConflict",
            NO_SUCH_KEY);
    /** The MinIO SDK's default connect, write and read timeout. */
    private static final long CLIENT_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(5);

    private final StoreConfig config;
    private final MinioClient client;

    public ObjectStore(StoreConfig config) {
        this.config = config;
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
        try (GetObjectResponse response = getObject(key)) {
            return Optional.of(new VersionedObject(response.readAllBytes(), unquoted(response.headers().get("ETag"))));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ObjectStoreException(failure("get", key, e), e);
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
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ObjectStoreException(failure("get", key, e), e);
        }
    }

    public Optional<byte[]> find(String key) {
        try {
            return Optional.of(get(key));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Streams the object; the caller closes the stream to release the connection. */
    public InputStream open(String key) {
        return getObject(key);
    }

    private GetObjectResponse getObject(String key) {
        return call("open", key, () -> client.getObject(GetObjectArgs.builder()
                .bucket(config.bucket())
                .object(key)
                .build()));
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
        return Optional.ofNullable(call("conditional put", key, () -> {
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
