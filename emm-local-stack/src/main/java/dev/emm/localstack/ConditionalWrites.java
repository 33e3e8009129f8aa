package dev.emm.localstack;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Field;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * S3's conditional writes in the embedded store, as S3 and MinIO answer them: a PUT with
 * {@code If-None-Match: *} creates the object only if its key is free, one with
 * {@code If-Match: "etag"} replaces it only if it is still at that version; otherwise 412
 * {@code PreconditionFailed} (404 {@code NoSuchKey} for {@code If-Match} on a missing key). S3Proxy
 * 2.6.0 reads these headers on GET and HEAD only and would overwrite the object silently
 * (gaul/s3proxy#732; later versions emulate them without atomicity), and leases rely on them.
 *
 * <p>Two parts: a Jetty handler in front of S3Proxy's, which hands a PUT's conditions to the
 * request's thread, and a blob store around the real one, which checks them when S3Proxy writes
 * (after it has authenticated the request). Every write and removal of one key runs under that
 * key's lock, so the check and the write are one step for racing clients.
 */
final class ConditionalWrites {

    private static final int LOCK_STRIPES = 64;

    /** A PUT's conditions, as sent; null when absent. */
    private record Conditions(String ifMatch, String ifNoneMatch) {
    }

    private final ThreadLocal<Conditions> current = new ThreadLocal<>();
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final BlobStore blobStore;

    ConditionalWrites(BlobStore backend) {
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
        this.blobStore = new CheckingBlobStore(backend);
    }

    /** The blob store to serve: the backend, with the conditions checked on every write. */
    BlobStore blobStore() {
        return blobStore;
    }

    /**
     * Puts the handler in front of the proxy's before it starts. S3Proxy offers no hook for this,
     * so its Jetty server is taken from its private field; an S3Proxy without it fails here, loudly.
     */
    void install(S3Proxy proxy) {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            Server server = (Server) field.get(proxy);
            HandlerWrapper handler = new ConditionsHandler();
            handler.setHandler(server.getHandler());
            server.setHandler(handler);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot add conditional writes to this S3Proxy version", e);
        }
    }

    private final class ConditionsHandler extends HandlerWrapper {
        @Override
        public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String ifMatch = request.getHeader("If-Match");
            String ifNoneMatch = request.getHeader("If-None-Match");
            if (!"PUT".equals(request.getMethod()) || (ifMatch == null && ifNoneMatch == null)) {
                super.handle(target, baseRequest, request, response);
                return;
            }
            current.set(new Conditions(ifMatch, ifNoneMatch));
            try {
                super.handle(target, baseRequest, request, response);
            } finally {
                current.remove();
            }
        }
    }

    private final class CheckingBlobStore extends ForwardingBlobStore {
        CheckingBlobStore(BlobStore backend) {
            super(backend);
        }

        @Override
        public String putBlob(String container, Blob blob) {
            return putBlob(container, blob, PutOptions.NONE);
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            String name = blob.getMetadata().getName();
            synchronized (lock(container, name)) {
                Conditions conditions = current.get();
                if (conditions != null) {
                    check(conditions, container, name, delegate().blobMetadata(container, name));
                }
                return delegate().putBlob(container, blob, options);
            }
        }

        @Override
        public void removeBlob(String container, String name) {
            synchronized (lock(container, name)) {
                delegate().removeBlob(container, name);
            }
        }
    }

    /** S3Proxy answers an IllegalStateException whose message starts with "PreconditionFailed" with S3's 412. */
    private static void check(Conditions conditions, String container, String name, BlobMetadata existing) {
        if (conditions.ifNoneMatch() != null && existing != null
                && matches(conditions.ifNoneMatch(), existing.getETag())) {
            throw new IllegalStateException("PreconditionFailed: " + name + " exists");
        }
        if (conditions.ifMatch() != null) {
            if (existing == null) {
                throw new KeyNotFoundException(container, name, "If-Match on a missing object");
            }
            if (!matches(conditions.ifMatch(), existing.getETag())) {
                throw new IllegalStateException("PreconditionFailed: " + name + " is at another version");
            }
        }
    }

    private static boolean matches(String condition, String etag) {
        return condition.trim().equals("*") || unquoted(condition).equals(unquoted(etag));
    }

    private static String unquoted(String etag) {
        String trimmed = etag == null ? "" : etag.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")
                ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }

    private Object lock(String container, String name) {
        return locks[Math.floorMod((container + "/" + name).hashCode(), LOCK_STRIPES)];
    }
}
