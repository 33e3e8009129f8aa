package dev.emm.orchestrator;

import dev.emm.core.storage.StorageLayout;
import dev.emm.service.StoreLease;
import dev.emm.store.ObjectStore;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ChannelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One orchestrator acts at a time. The search of each experiment lives in the orchestrator's
 * process, so a second replica (a chart that allows it, a stuck old pod, a second ./emm) acting
 * on the same experiments would corrupt them. Each orchestrator process therefore starts on
 * standby: its consuming channels are paused before they subscribe (so it joins no consumer
 * group), its REST API answers 503 ({@link StandbyFilter}) and it is not ready
 * ({@link LeaseReadiness}). It tries to take the store lease {@code orchestrator/lease.json}
 * (a {@link StoreLease}: conditional writes) every third of the lease's term; once it holds it, it
 * resumes the stored experiments, then its channels. The active one renews the lease every third
 * of the term and releases it when it stops; if a renewal fails (its lease expired and another
 * orchestrator took over, e.g. after a long pause), it exits rather than act beside the new holder.
 */
@ApplicationScoped
public class OrchestratorLease {

    private static final Logger LOG = Logger.getLogger(OrchestratorLease.class);

    /** The channels that feed the orchestrator; each is pausable and starts paused (application.properties). */
    static final List<String> CHANNELS = List.of("experiment-specs", "metric-results", "runs-failed",
            "training-progress", "cancel-requests");

    @Inject
    ObjectStore store;

    @Inject
    Orchestrator orchestrator;

    @Inject
    ChannelRegistry channels;

    @ConfigProperty(name = "emm.orchestrator.lease-seconds", defaultValue = "30")
    long leaseSeconds;

    private final String owner = hostName() + "/" + UUID.randomUUID();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "orchestrator-lease");
        thread.setDaemon(true);
        return thread;
    });
    private StoreLease lease;
    private volatile boolean active;
    private volatile long renewedAtMillis;
    private volatile String standbyReason = "has not asked for the orchestrator lease yet";

    void start(@Observes StartupEvent event) {
        lease = new StoreLease(store, StorageLayout.orchestratorLease(), owner, Duration.ofSeconds(leaseSeconds),
                Clock.systemUTC());
        timer.scheduleWithFixedDelay(this::tick, 0, leaseSeconds * 1000 / 3, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        if (lease != null && lease.held()) {
            lease.release();
            LOG.infof("orchestrator lease released by %s", owner);
        }
    }

    /** Whether this process holds the lease and acts. */
    public boolean active() {
        return active;
    }

    /** Why this process does not act, while it does not. */
    public String standbyReason() {
        return standbyReason;
    }

    private void tick() {
        try {
            if (active) {
                if (lease.renew()) {
                    renewedAtMillis = System.currentTimeMillis();
                } else {
                    LOG.errorf("orchestrator lease lost by %s (held by %s now); exiting so that one orchestrator acts",
                            owner, lease.holder().map(StoreLease.Holder::owner).orElse("nobody"));
                    active = false;
                    Quarkus.asyncExit(1);
                }
            } else if (lease.tryAcquire()) {
                LOG.infof("orchestrator lease taken by %s; resuming the stored experiments", owner);
                renewedAtMillis = System.currentTimeMillis();
                orchestrator.resumeStored();
                CHANNELS.forEach(channel -> channels.getPausable(channel).resume());
                active = true;
            } else {
                standbyReason = lease.holder()
                        .map(holder -> "standby: orchestrator " + holder.owner() + " holds the lease until "
                                + Instant.ofEpochMilli(holder.expiresAtMillis()))
                        .orElse("standby: another orchestrator won the lease");
                LOG.infof("%s; this one (%s) waits", standbyReason, owner);
            }
        } catch (RuntimeException e) {
            if (active && System.currentTimeMillis() - renewedAtMillis < leaseSeconds * 1000 * 2 / 3) {
                LOG.warnf("orchestrator %s could not renew its lease (%s); trying again", owner, e.getMessage());
            } else if (active || lease.held()) {
                // The lease cannot be kept, or resuming failed (a broker that does not answer): as a
                // failed start did before, stop, and let the next start or the standby try again.
                LOG.errorf(e, "orchestrator %s cannot go on as the active one; exiting", owner);
                active = false;
                Quarkus.asyncExit(1);
            } else {
                standbyReason = "standby: cannot reach the orchestrator lease: " + e.getMessage();
                LOG.warn(standbyReason);
            }
        }
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "orchestrator" : host;
    }
}
