package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The local pipeline's thread plan: cores and trainers in, EMM_TORCH_THREADS, EMM_TRAIN_SHARDS and nice out. */
class ThreadPlanTest {

    @Test
    void onTwoCoresTheTrainerTrainsInTwoShardsOfOneThreadAndTheOthersGetOneThread() {
        assertEquals(new ThreadPlan(1, 2, 1, 1), ThreadPlan.forMachine(2, 1));
    }

    @Test
    void theTrainersShareAllCoresAndTheSamplerItsShareOfThemWithTheTrainers() {
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(1, 1));
        assertEquals(new ThreadPlan(1, 2, 1, 1), ThreadPlan.forMachine(3, 1));
        assertEquals(new ThreadPlan(1, 2, 2, 2), ThreadPlan.forMachine(4, 1));
        assertEquals(new ThreadPlan(2, 2, 4, 4), ThreadPlan.forMachine(8, 1));
        assertEquals(new ThreadPlan(4, 2, 8, 8), ThreadPlan.forMachine(16, 1));
        assertEquals(new ThreadPlan(1, 2, 2, 2), ThreadPlan.forMachine(8, 2));
        assertEquals(new ThreadPlan(1, 2, 3, 3), ThreadPlan.forMachine(16, 4));
        assertEquals(new ThreadPlan(1, 2, 1, 1), ThreadPlan.forMachine(8, 4), "two cores per trainer");
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(6, 4), "one and a half cores per trainer");
    }

    @Test
    void moreTrainersThanCoresGetOneThreadEachAndOneShard() {
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(2, 2), "a two-value sweep on 2 cores");
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(2, 4));
        assertEquals(new ThreadPlan(1, 1, 1, 1), ThreadPlan.forMachine(4, 4));
    }

    @Test
    void theTrainersNeverOutnumberTheCoresAndTheSamplerKeepsItsShare() {
        for (int cores = 1; cores <= 64; cores++) {
            for (int trainers = 1; trainers <= 8; trainers++) {
                ThreadPlan plan = ThreadPlan.forMachine(cores, trainers);
                String where = cores + " cores, " + trainers + " trainers: " + plan;
                int trainerThreads = plan.trainer() * plan.trainerShards();
                assertTrue(trainers * trainerThreads <= Math.max(cores, trainers), where);
                assertTrue(trainerThreads == plan.sampler() || trainerThreads == plan.sampler() - 1
                        || plan.trainerShards() == 2 && plan.sampler() == 1, where);
                assertEquals(Math.max(1, cores / (trainers + 1)), plan.sampler(), where);
                assertEquals(plan.sampler(), plan.metric(), where);
                assertEquals(cores / trainers >= 2 ? 2 : 1, plan.trainerShards(), where);
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
        assertEquals(OptionalInt.of(ThreadPlan.TRAINER_NICENESS), plan.nicenessFor("trainer-service"));
        assertEquals(OptionalInt.empty(), plan.nicenessFor("sampler-service"));
        assertEquals(OptionalInt.empty(), plan.nicenessFor("metric-service"));
        assertEquals(OptionalInt.empty(), plan.nicenessFor("orchestrator"));
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(0, 1));
        assertThrows(IllegalArgumentException.class, () -> ThreadPlan.forMachine(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPlan(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ThreadPlan(1, 3, 1, 1));
    }
}
