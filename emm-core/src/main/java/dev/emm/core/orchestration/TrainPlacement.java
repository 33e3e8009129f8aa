package dev.emm.core.orchestration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Chooses the partition of {@code emm.train.requests} for each new train request from the trainers'
 * load, so that an idle trainer gets a run before a busy one queues a second. Hashing the run id
 * instead sends four parallel runs to four different trainers only 4!/4^4 = 9% of the time.
 *
 * <p>A partition's pending count is its requests not yet acknowledged by the trainer group: the
 * one in training and those queued behind it. Each trainer consumes its partitions one request at
 * a time, so a trainer's load is the sum over its partitions. A request goes to the least loaded
 * trainer (ties: the one listed first), on its least pending partition (ties: the lowest number),
 * and counts as pending for the next request of the same batch. With no trainer in the group
 * (scaled to zero, or rebalancing) it goes to the least pending partition, to wait there.
 */
public final class TrainPlacement {

    private TrainPlacement() {
    }

    /**
     * @param pending pending requests per partition, indexed by partition number
     * @param trainers the partitions each trainer of the group consumes (empty: none is running)
     * @param requests how many requests to place
     * @return the partition of each request, in order
     */
    public static List<Integer> place(long[] pending, List<Set<Integer>> trainers, int requests) {
        if (pending.length == 0) {
            throw new IllegalArgumentException("the train request topic has no partitions");
        }
        long[] load = pending.clone();
        List<Set<Integer>> consuming = trainers.stream()
                .map(partitions -> (Set<Integer>) partitions.stream()
                        .filter(p -> p >= 0 && p < load.length)
                        .collect(Collectors.toCollection(TreeSet::new)))
                .filter(partitions -> !partitions.isEmpty())
                .toList();
        List<Integer> placed = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            Set<Integer> candidates = consuming.stream()
                    .min(Comparator.comparingLong(partitions -> partitions.stream().mapToLong(p -> load[p]).sum()))
                    .orElse(null);
            int partition = candidates == null ? leastPending(load, allPartitions(load.length))
                    : leastPending(load, candidates);
            load[partition]++;
            placed.add(partition);
        }
        return placed;
    }

    private static int leastPending(long[] load, Set<Integer> partitions) {
        return partitions.stream()
                .min(Comparator.<Integer>comparingLong(p -> load[p]).thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    private static Set<Integer> allPartitions(int count) {
        return IntStream.range(0, count).boxed().collect(Collectors.toCollection(TreeSet::new));
    }
}
