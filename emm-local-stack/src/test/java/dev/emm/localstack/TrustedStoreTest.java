package dev.emm.localstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.store.ObjectStore;
import dev.emm.store.ObjectStoreException;
import dev.emm.store.StoreConfig;
import dev.emm.store.TrustedCertificates;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store over https with a private CA: S3Proxy serves TLS with a certificate made here by
 * keytool for 127.0.0.1; the client refuses it with the JVM's trust anchors alone and works once
 * the certificate's PEM file is configured as the store's CA file (emm.store.ca-file).
 */
class TrustedStoreTest {

    private static final S3Credentials CREDENTIALS = new S3Credentials("tls-access", "tls-secret-key-0123456789");

    @TempDir
    static Path dir;

    private static BlobStoreContext blobs;
    private static S3Proxy proxy;
    private static Path caFile;

    @BeforeAll
    static void startS3ProxyOverHttps() throws Exception {
        Path keystore = dir.resolve("s3proxy.p12");
        keytool("-genkeypair", "-alias", "s3proxy", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
        caFile = dir.resolve("ca.crt");
        keytool("-exportcert", "-rfc", "-alias", "s3proxy", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", caFile.toString());
        blobs = ContextBuilder.newBuilder("transient").credentials(CREDENTIALS.accessKey(), CREDENTIALS.secretKey())
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .secureEndpoint(URI.create("https://127.0.0.1:0"))
                .keyStore(keystore.toString(), "changeit")
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, CREDENTIALS.accessKey(), CREDENTIALS.secretKey())
                .build();
        proxy.start();
        for (int i = 0; i < 100 && !proxy.getState().equals("STARTED"); i++) {
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
    }

    private static StoreConfig config() {
        return new StoreConfig("https://127.0.0.1:" + proxy.getSecurePort(), CREDENTIALS.accessKey(),
                CREDENTIALS.secretKey(), "tls-bucket");
    }

    @Test
    void withoutTheCaTheHttpsStoreIsRefused() {
        try (ObjectStore store = new ObjectStore(config())) {
            ObjectStoreException e = assertThrows(ObjectStoreException.class, store::ensureBucket);
            assertTrue(causes(e, SSLHandshakeException.class), "a TLS handshake failure: " + e);
        }
    }

    @Test
    void withTheCaFileTheHttpsStoreWorks() {
        byte[] body = "over TLS".getBytes(StandardCharsets.UTF_8);
        try (ObjectStore store = new ObjectStore(config().withCaCertificates(caFile))) {
            store.ensureBucket();
            store.put("tls/object.txt", body);
            assertArrayEquals(body, store.get("tls/object.txt"));
            assertEquals(List.of("tls/object.txt"), store.list("tls/"));
        }
    }

    @Test
    void theCaIsAddedToTheJvmsAnchorsNotInsteadOfThem() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((java.security.KeyStore) null);
        int jvm = ((X509TrustManager) f.getTrustManagers()[0]).getAcceptedIssuers().length;
        assertTrue(jvm > 10, "the JVM ships public CAs: " + jvm);
        assertEquals(jvm + 1, TrustedCertificates.jvmDefaultsPlus(caFile).trustManager().getAcceptedIssuers().length);
    }

    @Test
    void aCaFileWithoutACertificateFailsNamingTheFile() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not-a-ca.crt"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ObjectStore(config().withCaCertificates(notPem)));
        assertTrue(e.getMessage().contains(notPem.toString()), e.getMessage());
    }

    private static boolean causes(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), out);
    }
}
