package dev.emm.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for an S3 endpoint signed by a private CA: the JVM's default trust anchors plus the
 * certificates of one PEM file (e.g. a cluster's CA, mounted from a Secret), so the same client
 * still reaches endpoints with public certificates.
 */
public final class TrustedCertificates {

    private final X509TrustManager trustManager;
    private final SSLContext sslContext;

    private TrustedCertificates(X509TrustManager trustManager, SSLContext sslContext) {
        this.trustManager = trustManager;
        this.sslContext = sslContext;
    }

    /** The JVM's default anchors plus every certificate in {@code pemFile}; fails naming the file. */
    public static TrustedCertificates jvmDefaultsPlus(Path pemFile) {
        try {
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(pemFile)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the CA file " + pemFile);
            }
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate c : defaultTrustManager(null).getAcceptedIssuers()) {
                anchors.setCertificateEntry("jvm-" + i++, c);
            }
            i = 0;
            for (Certificate c : extra) {
                anchors.setCertificateEntry("ca-file-" + i++, c);
            }
            X509TrustManager tm = defaultTrustManager(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {tm}, null);
            return new TrustedCertificates(tm, context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the CA file " + pemFile + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrustManager(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(anchors);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager in " + f.getAlgorithm());
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }

    public SSLContext sslContext() {
        return sslContext;
    }
}
