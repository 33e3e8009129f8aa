package dev.emm.service;

import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The object store every service reads and writes, configured by {@code emm.store.*}; with
 * {@code emm.store.ca-file} (EMM_STORE_CA_FILE) it also trusts that PEM file's CA certificates.
 * A store that cannot be reached is waited for up to {@code emm.store.unreachable-patience-seconds}
 * (EMM_STORE_UNREACHABLE_PATIENCE_SECONDS, default 180) per call before the call fails: a store
 * restart or fail-over then only delays the work in hand instead of stopping the channel, which only
 * a restart of the service would bring back (docs/OPERATIONS.md, "Failures").
 */
@ApplicationScoped
public class StoreProducer {

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(
            @ConfigProperty(name = "emm.store.endpoint") String endpoint,
            @ConfigProperty(name = "emm.store.access-key") String accessKey,
            @ConfigProperty(name = "emm.store.secret-key") String secretKey,
            @ConfigProperty(name = "emm.store.bucket", defaultValue = StorageLayout.DEFAULT_BUCKET) String bucket,
            @ConfigProperty(name = "emm.store.ca-file") Optional<String> caFile,
            @ConfigProperty(name = "emm.store.unreachable-patience-seconds", defaultValue = "180") long patienceSeconds) {
        StoreConfig config = new StoreConfig(endpoint, accessKey, secretKey, bucket);
        ObjectStore store = new ObjectStore(caFile.map(f -> config.withCaCertificates(Path.of(f))).orElse(config),
                Duration.ofSeconds(patienceSeconds));
        store.ensureBucket();
        return store;
    }

    void close(@Disposes ObjectStore store) {
        store.close();
    }
}
