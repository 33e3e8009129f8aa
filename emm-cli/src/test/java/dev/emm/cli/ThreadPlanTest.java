package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The local pipeline's thread plan: cores and trainers in, EMM_TORCH_THREADS per service out. */
class ThreadPlanTest {

    @Test
    void onTwoCoresEveryServiceGetsOneThread() {
        assertEquals(new ThreadPlan(1, 1, 1), ThreadPlan.forMachine(2, 1));
    }

    @Test
    void theCoresAreSharedBetweenTheTrainersAndTheSampler() {
        assertEquals(new ThreadPlan(1, 1, 1), ThreadPlan.forMachine(1, 1));
        assertEquals(new ThreadPlan(1, 1, 1), ThreadPlan.forMachine(3, 1));
        assertEquals(new ThreadPlan(2, 2, 2), ThreadPlan.forMachine(4, 1));
        assertEquals(new ThreadPlan(4, 4, 4), ThreadPlan.forMachine(8, 1));
        assertEquals(new ThreadPlan(8, 8, 8), ThreadPlan.forMachine(16, 1));
        assertEquals(new ThreadPlan(2, 2, 2), ThreadPlan.forMachine(8, 2));
        assertEquals(new ThreadPlan(3, 3, 3), ThreadPlan.forMachine(16, 4));
    }

    @Test
    void moreProcessesThanCoresStillGetOneThreadEach() {
        assertEquals(new ThreadPlan(1, 1, 1), ThreadPlan.forMachine(2, 4));
        assertEquals(new ThreadPlan(1, 1, 1), ThreadPlan.forMachine(4, 4));
    }

    @Test
    void processesComputingAtOnceNeverOutnumberTheCores() {
        for (int cores = 1; cores <= 64; cores++) {
            for (int trainers = 1; trainers <= 8; trainers++) {
                ThreadPlan plan = ThreadPlan.forMachine(cores, trainers);
                String where = cores + " cores, " + trainers + " trainers: " + plan;
                int busy = trainers * plan.trainer() + plan.sampler();
                assertTrue(busy <= Math.max(cores, trainers + 1), where);
                assertTrue(busy > cores - (trainers + 1), "fewer cores idle than processes: " + where);
                assertEquals(plan.trainer(), plan.sampler(), where);
                assertEquals(plan.sampler(), plan.metric(), where);
            }
        }
    }

    @Test
    void theOrchestratorGetsNoThreadCount() {
        ThreadPlan plan = ThreadPlan.forMachine(8, 1);
        assertEquals(OptionalInt.of(4), plan.threadsFor("trainer-service"));
        assertEquals(OptionalInt.of(4), plan.threadsFor("sampler-service"));
        assertEquals(OptionalInt.of(4), plan.threadsFor("metric-service"));
        assertEquals(OptionalInt.empty(), plan.threadsFor("orchestrator"));
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPlan(0, 1, 1));
    }
}
