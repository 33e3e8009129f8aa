package dev.emm.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.orchestration.ExperimentState;
import dev.emm.core.orchestration.RunRecord;
import dev.emm.core.search.EmmResult;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.spec.SweepExpansion;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SweepResultTest {

    private static final SweepState SWEEP = SweepState.start("res-1a2b", SweepExpansion.expand(Json.read("""
            {"name": "res", "model": {"kind": "optimum"}, "search": {"minSize": 10, "maxSize": 40, "eps": 0.2},
             "sweep": {"factor": "data.resolution", "values": [8, 16, 32]}}
            """, JsonNode.class)));

    private final Map<String, ExperimentState> experiments = new HashMap<>();

    private SweepResult result() {
        return SweepResult.of(SWEEP, id -> Optional.ofNullable(experiments.get(id)));
    }

    @Test
    void membersAreNumberedExperimentsOfTheSweepInTheValuesOrder() {
        assertEquals(List.of("res-1a2b-v0", "res-1a2b-v1", "res-1a2b-v2"),
                SWEEP.members().stream().map(SweepMember::experimentId).toList());
        assertEquals(List.of(8, 16, 32), SWEEP.members().stream().map(m -> m.spec().data().resolution()).toList());
        assertEquals(SWEEP, Json.read(Json.toBytes(SWEEP), SweepState.class), "sweep.json round-trips");
    }

    @Test
    void runningUntilEveryMemberEndsThenEmmAndBracketPerValue() {
        experiments.put("res-1a2b-v0", finished("res-1a2b-v0", ExperimentStatus.ABOVE_MAX, 40, null));
        experiments.put("res-1a2b-v1", running("res-1a2b-v1"));
        SweepResult partial = result();
        assertEquals(SweepStatus.RUNNING, partial.status());
        assertEquals(0.8, partial.threshold(), 1e-12);
        assertEquals(List.of(ExperimentStatus.ABOVE_MAX, ExperimentStatus.RUNNING, ExperimentStatus.RUNNING),
                partial.values().stream().map(SweepValueResult::status).toList());
        assertEquals(40, partial.values().get(0).emm());
        assertEquals(Arrays.asList(40, null), partial.values().get(0).bracket());
        assertEquals(1, partial.values().get(1).points().size(), "a running member's measured sizes");
        assertEquals(List.of(), partial.values().get(2).points(), "a member not created yet has nothing measured");

        experiments.put("res-1a2b-v1", finished("res-1a2b-v1", ExperimentStatus.BRACKETED, 20, 40));
        experiments.put("res-1a2b-v2", failed("res-1a2b-v2"));
        SweepResult done = result();
        assertEquals(SweepStatus.FINISHED, done.status(), "a failed member has ended too");
        assertEquals(Arrays.asList(20, 40), done.values().get(1).bracket());
        assertEquals(20, done.values().get(1).emm());
        assertNull(done.values().get(2).emm());
        assertEquals("trainer lost", done.values().get(2).message());
        assertEquals(32, done.values().get(2).value().asInt());
        assertEquals(done, Json.read(Json.toBytes(done), SweepResult.class), "the result round-trips as JSON");
    }

    private static ExperimentState running(String id) {
        Map<Integer, RunRecord> runs = Map.of(10, RunRecord.started(10, id + "-n10-s0")
                .withSnapshot(1, true, MemorizationSummary.of(10, 10)));
        return new ExperimentState(ExperimentState.VERSION, id, SWEEP.members().get(1).spec(), ExperimentStatus.RUNNING,
                List.of(20), runs, null, null);
    }

    private static ExperimentState finished(String id, ExperimentStatus status, int emm, Integer high) {
        ExperimentState running = running(id);
        EmmResult result = new EmmResult(id, status, emm, Arrays.asList(emm, high), running.points(), null);
        return new ExperimentState(ExperimentState.VERSION, id, running.spec(), status, List.of(), running.runs(),
                result, true);
    }

    private static ExperimentState failed(String id) {
        ExperimentState running = running(id);
        return new ExperimentState(ExperimentState.VERSION, id, running.spec(), ExperimentStatus.FAILED, List.of(),
                running.runs(), EmmResult.failed(id, running.points(), "trainer lost"), true);
    }
}
