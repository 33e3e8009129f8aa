package dev.emm.store;

import java.util.Objects;

/**
 * Where the object store lives and how to sign requests to it. The region only matters for
 * request signing; MinIO and S3Proxy accept the S3 default.
 */
public record StoreConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {

    public static final String DEFAULT_REGION = "us-east-1";

    public StoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
    }

    public StoreConfig(String endpoint, String accessKey, String secretKey, String bucket) {
        this(endpoint, accessKey, secretKey, bucket, DEFAULT_REGION);
    }

    /** Leaves the secret out: configs end up in logs and exception messages. */
    @Override
    public String toString() {
        return "StoreConfig[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***, bucket=" + bucket
                + ", region=" + region + "]";
    }
}
