package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The local pipeline's thread plan: cores and trainers in, EMM_TORCH_THREADS and EMM_TRAIN_SHARDS out. */
class ThreadPlanTest {

    @Test
    void onTwoCoresEveryServiceGetsOneThreadAndTheTrainerOneShard() {
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(2, 1));
    }

    @Test
    void theCoresAreSharedBetweenTheTrainersAndTheSamplerAndAShareOfTwoOrMoreIsSharded() {
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(1, 1));
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(3, 1));
        assertEquals(new ThreadPlan(1, 2, 2, 2), ThreadPlan.forMachine(4, 1));
        assertEquals(new ThreadPlan(2, 2, 4, 4), ThreadPlan.forMachine(8, 1));
        assertEquals(new ThreadPlan(4, 2, 8, 8), ThreadPlan.forMachine(16, 1));
        assertEquals(new ThreadPlan(1, 2, 2, 2), ThreadPlan.forMachine(8, 2));
        assertEquals(new ThreadPlan(1, 2, 3, 3), ThreadPlan.forMachine(16, 4));
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(8, 4));
    }

    @Test
    void moreProcessesThanCoresStillGetOneThreadEachAndOneShard() {
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(2, 2), "a two-value sweep on 2 cores");
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(2, 4));
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(4, 4));
    }

    @Test
    void aTrainerComputesWithExactlyItsShareAndTheProcessesNeverOutnumberTheCores() {
        for (int cores = 1; cores <= 64; cores++) {
            for (int trainers = 1; trainers <= 8; trainers++) {
                ThreadPlan plan = ThreadPlan.forMachine(cores, trainers);
                String where = cores + " cores, " + trainers + " trainers: " + plan;
                int trainerThreads = plan.trainer() * plan.trainerShards();
                assertTrue(trainerThreads == plan.sampler() || trainerThreads == plan.sampler() - 1, where);
                int busy = trainers * trainerThreads + plan.sampler();
                assertTrue(busy <= Math.max(cores, trainers + 1), where);
                assertTrue(busy > cores - (trainers + 1) - trainers, "fewer cores idle than processes: " + where);
                assertEquals(plan.sampler(), plan.metric(), where);
            }
        }
    }

    @Test
    void onlyTheTrainerIsToldItsShardsAndTheOrchestratorGetsNoThreadCount() {
        ThreadPlan plan = ThreadPlan.forMachine(8, 1);
        assertEquals(OptionalInt.of(2), plan.threadsFor("trainer-service"));
        assertEquals(OptionalInt.of(2), plan.shardsFor("trainer-service"));
        assertEquals(OptionalInt.of(4), plan.threadsFor("sampler-service"));
        assertEquals(OptionalInt.of(4), plan.threadsFor("metric-service"));
        assertEquals(OptionalInt.empty(), plan.shardsFor("sampler-service"));
        assertEquals(OptionalInt.empty(), plan.threadsFor("orchestrator"));
        assertEquals(OptionalInt.empty(), plan.shardsFor("orchestrator"));
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPlan(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPlan(1, 3, 1, 1));
    }
}
