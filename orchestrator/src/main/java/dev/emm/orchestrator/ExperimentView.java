package dev.emm.orchestrator;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.emm.core.events.TrainingProgress;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code GET /experiments/{id}} returns: the result fields of the final answer (status, emm,
 * bracket, points) plus, while running, the sizes being probed and their training progress.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentView(
        String experimentId,
        String name,
        ExperimentStatus status,
        Integer emm,
        List<Integer> bracket,
        List<SizePoint> points,
        List<Integer> probing,
        List<TrainingProgress> training,
        String message) {

    static ExperimentView of(ExperimentState state, Function<String, Optional<TrainingProgress>> progressOfRun) {
        if (state.result() != null) {
            var result = state.result();
            // an experiment failed because its stored state was unreadable has no spec, hence no name
            String name = state.spec() == null ? null : state.spec().name();
            return new ExperimentView(state.experimentId(), name, result.status(), result.emm(),
                    result.bracket(), result.points(), List.of(), List.of(), result.message());
        }
        List<TrainingProgress> training = state.probing().stream()
                .map(size -> state.runs().get(size).runId())
                .map(progressOfRun)
                .flatMap(Optional::stream)
                .toList();
        return new ExperimentView(state.experimentId(), state.spec().name(), state.status(), null,
                Arrays.asList(null, null), state.points(), state.probing(), training, null);
    }
}
