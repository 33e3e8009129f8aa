package dev.emm.trainer;

import dev.emm.core.events.RunRef;
import dev.emm.core.storage.StorageLayout;
import dev.emm.service.StoreLease;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure one run is never trained by two trainers at once. A request for a run reaches a second
 * trainer after a partition moved (its trainer died or was cut off), or when a restarted
 * orchestrator requests the run again and places it on another trainer's partition; the second one
 * then waits until the first trainer's lease, renewed at every progress report, has expired or been
 * released, and resumes from the last checkpoint (or finds the run's snapshots stored). The lease is a {@link StoreLease}: its writes are conditional, so of two
 * racing trainers exactly one holds the run, and a trainer whose renewal fails (its lease expired
 * and another trainer took the run) stops without writing a checkpoint.
 */
@ApplicationScoped
public class RunLease {

    private static final Logger LOG = Logger.getLogger(RunLease.class);

    @Inject
    ObjectStore store;

    @ConfigProperty(name = "emm.trainer.lease-seconds", defaultValue = "120")
    long leaseSeconds;

    private final String owner = hostName() + "/" + UUID.randomUUID();
    private final Map<String, StoreLease> held = new ConcurrentHashMap<>();

    /** Blocks until this trainer holds the run's lease. */
    public void acquire(RunRef run) {
        StoreLease lease = new StoreLease(store, StorageLayout.runLease(run.experimentId(), run.runId()), owner,
                Duration.ofSeconds(leaseSeconds), Clock.systemUTC());
        while (!lease.tryAcquire()) {
            long now = System.currentTimeMillis();
            long expiresAt = lease.holder().map(StoreLease.Holder::expiresAtMillis).orElse(now);
            LOG.infof("run %s is held by %s for %d s more; waiting", run.runId(),
                    lease.holder().map(StoreLease.Holder::owner).orElse("another trainer"), (expiresAt - now) / 1000);
            sleep(Math.min(Duration.ofSeconds(leaseSeconds).toMillis() / 4, expiresAt - now + 100));
        }
        held.put(run.runId(), lease);
    }

    /** Extends the run's lease; if another trainer has taken the run meanwhile, this training stops here. */
    public void renew(RunRef run) {
        StoreLease lease = held.get(run.runId());
        if (lease == null || !lease.renew()) {
            throw new TrainingInterruptedException("the lease of run " + run.runId()
                    + " expired and another trainer took the run; this trainer stops without a checkpoint");
        }
    }

    public void release(RunRef run) {
        StoreLease lease = held.remove(run.runId());
        if (lease != null) {
            lease.release();
        }
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
