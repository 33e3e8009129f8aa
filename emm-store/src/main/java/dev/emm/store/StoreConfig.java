package dev.emm.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the object store lives, how to sign requests to it and whom to trust. The region only
 * matters for request signing; MinIO and S3Proxy accept the S3 default.
 *
 * @param caCertificates a PEM file of CA certificates trusted besides the JVM's default ones (an
 *     https endpoint signed by a private CA); null for the JVM's defaults only
 */
public record StoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region,
        Path caCertificates) {

    public static final String DEFAULT_REGION = "us-east-1";

    public StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
    }

    public StoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {
        this(endpoint, accessKey, secretKey, bucket, region, null);
    }

    public StoreConfig(String endpoint, String accessKey, String secretKey, String bucket) {
        this(endpoint, accessKey, secretKey, bucket, DEFAULT_REGION);
    }

    public StoreConfig withCaCertificates(Path pemFile) {
        return new StoreConfig(endpoint, accessKey, secretKey, bucket, region, pemFile);
    }

    /** Leaves the secret out: configs end up in logs and exception messages. */
    @Override
    public String toString() {
        return "StoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket=" + bucket
                + ", region=" + region + (caCertificates != null ? ", caCertificates=" + caCertificates : "") + "]";
    }
}
