package dev.emm.orchestrator;

import dev.emm.core.events.SweepCompleted;
import dev.emm.core.spec.SweepExpansion;
import dev.emm.core.sweep.SweepMember;
import dev.emm.core.sweep.SweepResult;
import dev.emm.core.sweep.SweepState;
import dev.emm.core.sweep.SweepStatus;
import dev.emm.service.EventPublisher;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Runs sweeps: a sweep is stored first (with every member's spec), then each value's experiment
 * is started through the {@link Orchestrator} like any other, so members run concurrently as the
 * trainers allow and resume as experiments do. When the last member ends, the sweep's completion is
 * published once ({@code completionAnnounced} in its state).
 *
 * <p>Lock order: the orchestrator calls {@link #experimentFinished} while holding its own lock, so
 * this class never calls the orchestrator while holding its lock.
 */
@ApplicationScoped
public class SweepCoordinator {

    private static final Logger LOG = Logger.getLogger(SweepCoordinator.class);

    @Inject
    SweepRepository sweeps;

    @Inject
    ExperimentRepository experiments;

    @Inject
    Orchestrator orchestrator;

    @Inject
    @Channel("sweeps-completed")
    MutinyEmitter<Record<String, String>> completions;

    /** Which sweep each member experiment belongs to. */
    private final Map<String, String> sweepOfMember = new ConcurrentHashMap<>();

    /**
     * Creates the sweep unless one with this id exists, then starts every member not started yet and
     * returns the sweep. When the broker refuses a member's first events, {@link Orchestrator.NotStartedException}
     * propagates and the sweep stays stored: its missing members start when the same sweep id is
     * submitted again or at the orchestrator's next start.
     */
    public SweepResult submit(String sweepId, SweepExpansion.Expanded sweep) {
        SweepState state;
        synchronized (this) {
            state = sweeps.find(sweepId).orElse(null);
            if (state == null) {
                state = SweepState.start(sweepId, sweep);
                sweeps.save(state);
                LOG.infof("sweep %s submitted (%s): %s over %d values, experiments %s-v0..v%d", sweepId, sweep.name(),
                        sweep.factor(), sweep.members().size(), sweepId, sweep.members().size() - 1);
            }
            index(state);
        }
        startMembers(state);
        announceIfFinished(sweepId);
        return result(sweepId).orElseThrow();
    }

    /** The sweep as its members stand now; empty when no sweep has this id. */
    public Optional<SweepResult> result(String sweepId) {
        return sweeps.find(sweepId).map(state -> SweepResult.of(state, experiments::find));
    }

    /** Called once an experiment's completion is announced: the last member to end completes its sweep. */
    void experimentFinished(String experimentId) {
        String sweepId = sweepOfMember.get(experimentId);
        if (sweepId != null) {
            announceIfFinished(sweepId);
        }
    }

    /**
     * At start, after the experiments have resumed: starts the members a restart interrupted before
     * they existed, and announces every sweep that ended without its completion acknowledged.
     */
    void resumeStored() {
        for (SweepState state : sweeps.loadAll()) {
            index(state);
            if (!state.completionAnnounced()) {
                startMembers(state);
                announceIfFinished(state.sweepId());
            }
        }
    }

    private void index(SweepState state) {
        state.members().forEach(member -> sweepOfMember.put(member.experimentId(), state.sweepId()));
    }

    private void startMembers(SweepState state) {
        for (SweepMember member : state.members()) {
            if (experiments.find(member.experimentId()).isEmpty()) {
                orchestrator.submit(member.experimentId(), member.spec());
            }
        }
    }

    private synchronized void announceIfFinished(String sweepId) {
        SweepState state = sweeps.find(sweepId).orElseThrow();
        if (state.completionAnnounced()) {
            return;
        }
        SweepResult result = SweepResult.of(state, experiments::find);
        if (result.status() != SweepStatus.FINISHED) {
            return;
        }
        LOG.infof("sweep %s finished: EMM per value of %s: %s", sweepId, state.factor(), result.values().stream()
                .map(value -> value.value() + " -> " + value.status() + " " + value.emm()).toList());
        EventPublisher.publish(completions, sweepId, SweepCompleted.of(result));
        sweeps.save(state.announced());
    }
}
