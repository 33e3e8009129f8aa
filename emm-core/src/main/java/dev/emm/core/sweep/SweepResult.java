package dev.emm.core.sweep;

import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.search.ExperimentStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A sweep's answer, {@code GET /sweeps/{id}} and the completed event alike: EMM (bracket) per value
 * of the factor, in the values' order, and {@code finished} once every member has ended.
 */
public record SweepResult(String sweepId, String name, String factor, SweepStatus status, double threshold,
        List<SweepValueResult> values) {

    /**
     * The sweep as its members' states say. A member whose experiment does not exist yet (its start was
     * interrupted; the orchestrator creates it at its next start) counts as running with nothing measured.
     */
    public static SweepResult of(SweepState sweep, Function<String, Optional<ExperimentState>> experiments) {
        List<SweepValueResult> values = sweep.members().stream()
                .map(member -> experiments.apply(member.experimentId())
                        .map(state -> value(member, state))
                        .orElseGet(() -> new SweepValueResult(member.value(), member.experimentId(),
                                ExperimentStatus.RUNNING, null, Arrays.asList(null, null), List.of(), null)))
                .toList();
        boolean finished = values.stream().allMatch(value -> value.status().finished());
        double threshold = sweep.members().get(0).spec().search().threshold();
        return new SweepResult(sweep.sweepId(), sweep.name(), sweep.factor(),
                finished ? SweepStatus.FINISHED : SweepStatus.RUNNING, threshold, values);
    }

    private static SweepValueResult value(SweepMember member, ExperimentState state) {
        if (state.result() == null) {
            return new SweepValueResult(member.value(), member.experimentId(), state.status(), null,
                    Arrays.asList(null, null), state.points(), null);
        }
        var result = state.result();
        return new SweepValueResult(member.value(), member.experimentId(), result.status(), result.emm(),
                result.bracket(), result.points(), result.message());
    }
}
