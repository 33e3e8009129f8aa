package dev.emm.orchestrator;

import dev.emm.core.events.ExperimentCompleted;
import dev.emm.core.events.ExperimentProgress;
import dev.emm.core.events.MetricComputed;
import dev.emm.core.events.RunCancelled;
import dev.emm.core.events.RunFailed;
import dev.emm.core.events.TrainRequested;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.orchestration.ExperimentStateMachine;
import dev.emm.core.orchestration.Transition;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.storage.StorageLayout;
import dev.emm.service.CancelledRuns;
import dev.emm.service.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Applies the core state machine to each input, persists the new state, then publishes its events.
 * Transitions are serialized: the inputs of one experiment arrive on several topics.
 */
@ApplicationScoped
public class Orchestrator {

    private static final Logger LOG = Logger.getLogger(Orchestrator.class);

    @Inject
    ExperimentRepository repository;

    @Inject
    MeterRegistry registry;

    @Inject
    SearchMeters searchMeters;

    @Inject
    @Channel("train-requests")
    MutinyEmitter<Record<String, String>> trainRequests;

    @Inject
    @Channel("runs-cancelled")
    MutinyEmitter<Record<String, String>> runsCancelled;

    @Inject
    CancelledRuns cancelledRuns;

    @Inject
    TrainerLoad trainerLoad;

    @Inject
    SweepCoordinator sweeps;

    @Inject
    @Channel("experiment-progress")
    MutinyEmitter<Record<String, String>> experimentProgress;

    @Inject
    @Channel("experiments-completed")
    MutinyEmitter<Record<String, String>> experimentsCompleted;

    private final Map<String, TrainingProgress> latestTraining = new ConcurrentHashMap<>();

    /**
     * Resumes every stored experiment, then every stored sweep ({@link SweepCoordinator#resumeStored}),
     * once this process holds the orchestrator lease
     * ({@link OrchestratorLease}). Nothing read back from the store may stop the service: an
     * experiment whose state cannot be read, or whose events the broker refuses for good (such as
     * a record over its size limit), is failed with the reason and the others go on. Only a broker
     * that does not answer at all stops the start, to be retried by the next one.
     */
    void resumeStored() {
        registry.gauge("emm.experiments.in.flight", this,
                self -> self.repository.all().stream().filter(state -> !state.finished()).count());
        ExperimentRepository.Stored stored = repository.loadAll();
        stored.unreadable().forEach((experimentId, reason) -> {
            LOG.errorf("experiment %s: its stored state cannot be read (%s); the bytes are kept as %s and the "
                    + "experiment is failed", experimentId, reason, StorageLayout.experimentUnreadableState(experimentId));
            failOnStart(ExperimentStateMachine.unreadable(experimentId,
                    "its stored state could not be read after a restart: " + reason));
        });
        for (ExperimentState state : stored.states()) {
            try {
                resume(state);
            } catch (RuntimeException e) {
                if (BrokerFailures.isTransient(e)) {
                    throw e;
                }
                String reason = BrokerFailures.describe(e);
                LOG.errorf(e, "experiment %s cannot be resumed and is failed: %s", state.experimentId(), reason);
                failOnStart(ExperimentStateMachine.failOnResume(state, "could not be resumed after a restart: " + reason));
            }
        }
        sweeps.resumeStored();
    }

    private void resume(ExperimentState state) {
        List<Object> events = ExperimentStateMachine.resume(state);
        if (state.awaitsAnnouncement()) {
            LOG.infof("experiment %s finished before the restart; announcing its completion again",
                    state.experimentId());
        } else if (!events.isEmpty()) {
            LOG.infof("resuming experiment %s: %d run(s) of the current round requested again, %d cancelled again",
                    state.experimentId(), events.stream().filter(TrainRequested.class::isInstance).count(),
                    events.stream().filter(RunCancelled.class::isInstance).count());
        }
        publishAndRecord(state, events);
    }

    /** Records an experiment failed at start; its completion, if refused, is announced again at the next start. */
    private void failOnStart(Transition failed) {
        repository.save(failed.state());
        try {
            publishAndRecord(failed.state(), failed.events());
        } catch (RuntimeException e) {
            if (BrokerFailures.isTransient(e)) {
                throw e;
            }
            LOG.errorf(e, "the failure of experiment %s could not be announced", failed.state().experimentId());
        }
    }

    /**
     * Starts an experiment unless one with this id exists; returns its current state. When the
     * broker does not take its first events, the experiment is removed again and
     * {@link NotStartedException} thrown, so a failed submission leaves nothing behind that a
     * client's retry would duplicate.
     */
    public synchronized ExperimentState submit(String experimentId, ExperimentSpec validatedSpec) {
        Optional<ExperimentState> existing = repository.find(experimentId);
        if (existing.isPresent()) {
            return existing.get();
        }
        LOG.infof("experiment %s submitted (%s, model %s, sizes %d..%d)", experimentId, validatedSpec.name(),
                validatedSpec.model().kind(), validatedSpec.search().minSize(), validatedSpec.search().maxSize());
        Transition start = ExperimentStateMachine.start(experimentId, validatedSpec);
        repository.save(start.state());
        try {
            return publishAndRecord(start.state(), start.events());
        } catch (RuntimeException e) {
            repository.delete(experimentId);
            LOG.errorf(e, "experiment %s not started: its first events were not published; removed again", experimentId);
            throw new NotStartedException(experimentId, e);
        }
    }

    /** The broker did not take a new experiment's first events; the experiment was removed again. */
    public static final class NotStartedException extends RuntimeException {
        NotStartedException(String experimentId, Throwable cause) {
            super("experiment " + experimentId + " was not started (the event broker did not accept its requests: "
                    + cause.getMessage() + "); nothing was created, submit it again", cause);
        }
    }

    public synchronized void onMetric(MetricComputed metric) {
        transition(metric.run().experimentId(), state -> ExperimentStateMachine.onMetric(state, metric));
    }

    public synchronized void onRunFailed(RunFailed failure) {
        transition(failure.run().experimentId(), state -> ExperimentStateMachine.onRunFailed(state, failure));
    }

    /**
     * Cancels a running experiment and its runs in training; a finished one (cancelled before, or
     * with its answer) is returned as it is. Empty when no experiment has this id.
     */
    public synchronized Optional<ExperimentState> cancel(String experimentId) {
        Optional<ExperimentState> state = repository.find(experimentId);
        if (state.isEmpty()) {
            return state;
        }
        Transition transition = ExperimentStateMachine.cancel(state.get());
        if (transition.events().isEmpty()) {
            LOG.infof("cancel of experiment %s: already finished as %s, nothing to do", experimentId,
                    state.get().status());
            return state;
        }
        LOG.infof("experiment %s cancelled on request", experimentId);
        return Optional.of(apply(transition));
    }

    public void onTrainingProgress(TrainingProgress progress) {
        latestTraining.put(progress.runId(), progress);
    }

    public Optional<TrainingProgress> trainingProgress(String runId) {
        return Optional.ofNullable(latestTraining.get(runId));
    }

    private void transition(String experimentId, Function<ExperimentState, Transition> step) {
        Optional<ExperimentState> state = repository.find(experimentId);
        if (state.isEmpty()) {
            LOG.warnf("event for unknown experiment %s ignored", experimentId);
            return;
        }
        apply(step.apply(state.get()));
    }

    private ExperimentState apply(Transition transition) {
        repository.save(transition.state());
        return publishAndRecord(transition.state(), transition.events());
    }

    /**
     * Updates the search's meters, publishes, then records an acknowledged completion so that a
     * restart does not announce it again, and tells the experiment's sweep, if any.
     */
    private ExperimentState publishAndRecord(ExperimentState state, List<Object> events) {
        searchMeters.record(state, events);
        publish(events);
        if (events.stream().anyMatch(ExperimentCompleted.class::isInstance)) {
            ExperimentState announced = ExperimentStateMachine.completionAnnounced(state);
            repository.save(announced);
            sweeps.experimentFinished(state.experimentId());
            return announced;
        }
        return state;
    }

    private void publish(List<Object> events) {
        Iterator<Integer> partitions = trainerLoad.place(
                (int) events.stream().filter(TrainRequested.class::isInstance).count())
                .map(List::iterator).orElse(null);
        for (Object event : events) {
            if (event instanceof TrainRequested request) {
                cancelledRuns.clear(request.run());
                if (partitions != null) {
                    int partition = partitions.next();
                    LOG.infof("requesting run %s (|D| = %d) on partition %d", request.run().runId(),
                            request.run().size(), partition);
                    EventPublisher.publish(trainRequests, request.run().runId(), request, partition);
                } else {
                    LOG.infof("requesting run %s (|D| = %d)", request.run().runId(), request.run().size());
                    EventPublisher.publish(trainRequests, request.run().runId(), request);
                }
            } else if (event instanceof RunCancelled cancellation) {
                LOG.infof("cancelling run %s (|D| = %d): %s%s", cancellation.runId(), cancellation.size(),
                        cancellation.reason(), cancellation.snapshot() == null ? ""
                                : " at snapshot " + cancellation.snapshot());
                cancelledRuns.mark(cancellation);
                EventPublisher.publish(runsCancelled, cancellation.runId(), cancellation);
            } else if (event instanceof ExperimentProgress progress) {
                EventPublisher.publish(experimentProgress, progress.experimentId(), progress);
            } else if (event instanceof ExperimentCompleted completed) {
                LOG.infof("experiment %s finished: %s, EMM %s", completed.result().experimentId(),
                        completed.result().status(), completed.result().emm());
                EventPublisher.publish(experimentsCompleted, completed.result().experimentId(), completed);
            } else {
                throw new IllegalStateException("no topic for " + event.getClass().getSimpleName());
            }
        }
    }
}
