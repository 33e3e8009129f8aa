package dev.emm.trainer;

import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure one run is never trained by two trainers at once. A request for a run reaches a second
 * trainer only after a partition moved (its trainer died or was cut off); the second one then waits
 * until the first trainer's lease, renewed at every progress report, has expired, and resumes from
 * the last checkpoint. S3 has no compare-and-set, so a claim is confirmed by reading it back after
 * a settle delay: of two racing writers only the last survives, and the other goes back to waiting.
 */
@ApplicationScoped
public class RunLease {

    private static final Logger LOG = Logger.getLogger(RunLease.class);

    record Lease(String owner, long expiresAtMillis) {
    }

    @Inject
    ObjectStore store;

    @ConfigProperty(name = "emm.trainer.lease-seconds", defaultValue = "120")
    long leaseSeconds;

    @ConfigProperty(name = "emm.trainer.lease-settle-millis", defaultValue = "1000")
    long settleMillis;

    private final String owner = hostName() + "/" + UUID.randomUUID();

    /** Blocks until this trainer holds the run's lease. */
    public void acquire(RunRef run) {
        String key = StorageLayout.runLease(run.experimentId(), run.runId());
        while (true) {
            Optional<Lease> current = read(key);
            long now = System.currentTimeMillis();
            if (current.isEmpty() || current.get().owner().equals(owner) || current.get().expiresAtMillis() < now) {
                write(key);
                sleep(settleMillis);
                if (read(key).map(lease -> lease.owner().equals(owner)).orElse(false)) {
                    return;
                }
            } else {
                LOG.infof("run %s is held by %s for %d s more; waiting", run.runId(), current.get().owner(),
                        (current.get().expiresAtMillis() - now) / 1000);
                sleep(Math.min(Duration.ofSeconds(leaseSeconds).toMillis() / 4,
                        current.get().expiresAtMillis() - now + 100));
            }
        }
    }

    public void renew(RunRef run) {
        write(StorageLayout.runLease(run.experimentId(), run.runId()));
    }

    public void release(RunRef run) {
        store.delete(StorageLayout.runLease(run.experimentId(), run.runId()));
    }

    private Optional<Lease> read(String key) {
        return store.find(key).map(bytes -> Json.read(bytes, Lease.class));
    }

    private void write(String key) {
        store.put(key, Json.toBytes(new Lease(owner, System.currentTimeMillis() + leaseSeconds * 1000)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingInterruptedException("interrupted while waiting for a run lease");
        }
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "trainer" : host;
    }
}
