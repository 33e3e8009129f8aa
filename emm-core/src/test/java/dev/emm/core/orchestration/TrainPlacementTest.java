package dev.emm.core.orchestration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainPlacementTest {

    private static final List<Set<Integer>> FOUR_TRAINERS = List.of(Set.of(0), Set.of(1), Set.of(2), Set.of(3));

    @Test
    void fourRequestsGoToFourIdleTrainers() {
        assertEquals(List.of(0, 1, 2, 3), TrainPlacement.place(new long[4], FOUR_TRAINERS, 4));
    }

    @Test
    void busyTrainersAreSkippedAndASecondRoundQueuesEvenly() {
        // trainers 0 and 2 train, 1 and 3 are idle: the idle ones first, then one more each round-robin
        assertEquals(List.of(1, 3, 0, 1, 2, 3), TrainPlacement.place(new long[] {1, 0, 1, 0}, FOUR_TRAINERS, 6));
    }

    @Test
    void aTrainerWithSeveralPartitionsIsLoadedByAllOfThem() {
        // two trainers over four partitions: trainer {0,1} is busy on partition 1, trainer {2,3} is idle
        List<Set<Integer>> two = List.of(Set.of(0, 1), Set.of(2, 3));
        assertEquals(List.of(2, 0, 3), TrainPlacement.place(new long[] {0, 1, 0, 0}, two, 3));
    }

    @Test
    void withoutTrainersRequestsSpreadOverTheLeastPendingPartitions() {
        assertEquals(List.of(1, 3, 1, 3), TrainPlacement.place(new long[] {2, 0, 2, 0}, List.of(), 4));
    }

    @Test
    void partitionsOutsideTheTopicAndTrainersWithoutPartitionsAreIgnored() {
        assertEquals(List.of(1, 1), TrainPlacement.place(new long[] {5, 0}, List.of(Set.of(), Set.of(1, 7)), 2));
        assertThrows(IllegalArgumentException.class, () -> TrainPlacement.place(new long[0], List.of(), 1));
    }
}
