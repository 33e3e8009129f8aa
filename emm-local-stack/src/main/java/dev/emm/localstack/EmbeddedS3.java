package dev.emm.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * An S3-compatible store served by S3Proxy in this JVM, bound to 127.0.0.1 and signed with
 * AWS v2 or v4 like MinIO. Objects live in a directory (kept across restarts) or in the heap.
 * Conditional writes ({@code If-None-Match}, {@code If-Match} on PUT) hold as in S3 and MinIO
 * ({@link ConditionalWrites}).
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final S3Proxy proxy;
    private final BlobStoreContext blobStore;
    private final S3Credentials credentials;
    private final String endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext blobStore, S3Credentials credentials) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.credentials = credentials;
        this.endpoint = "http://" + HOST + ":" + proxy.getPort();
    }

    /** Keeps every object as a file under {@code directory}; port 0 picks a free port. */
    public static EmbeddedS3 startPersistent(Path directory, int port, S3Credentials credentials) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties overrides = new Properties();
        overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, directory.toAbsolutePath().toString());
        return start(ContextBuilder.newBuilder("filesystem-nio2").overrides(overrides), port, credentials);
    }

    /** Keeps every object in the heap until closed; for small, throw-away data only. */
    public static EmbeddedS3 startTransient(int port, S3Credentials credentials) {
        return start(ContextBuilder.newBuilder("transient"), port, credentials);
    }

    private static EmbeddedS3 start(ContextBuilder blobStoreBuilder, int port, S3Credentials credentials) {
        // The file-system backend insists on an identity of its own; it signs nothing with it.
        BlobStoreContext blobStore = blobStoreBuilder
                .credentials(credentials.accessKey(), credentials.secretKey())
                .build(BlobStoreContext.class);
        ConditionalWrites conditionalWrites = new ConditionalWrites(blobStore.getBlobStore());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(conditionalWrites.blobStore())
                .endpoint(URI.create("http://" + HOST + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKey(), credentials.secretKey())
                .build();
        try {
            conditionalWrites.install(proxy);
            proxy.start();
        } catch (Exception e) {
            blobStore.close();
            throw new IllegalStateException("S3Proxy did not start on " + HOST + ":" + port, e);
        }
        return new EmbeddedS3(proxy, blobStore, credentials);
    }

    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return credentials.accessKey();
    }

    public String secretKey() {
        return credentials.secretKey();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy at " + endpoint + " did not stop", e);
        } finally {
            blobStore.close();
        }
    }
}
