package dev.emm.core.metric;

/**
 * The running nearest and second-nearest update every exact scan shares, over the arrays of a
 * {@link NeighbourDistances}. Candidates must be offered in increasing training index: the strict
 * comparisons then keep the first index of the smallest distance, and the second distance is the
 * second smallest of the multiset (a tie with the nearest lands there).
 */
public final class TopTwo {

    private TopTwo() {
    }

    /** Starts a sample's slot with nothing seen. */
    public static void reset(long[] nearest, long[] second, int[] index, int slot) {
        nearest[slot] = Long.MAX_VALUE;
        second[slot] = Long.MAX_VALUE;
        index[slot] = -1;
    }

    public static void offer(long[] nearest, long[] second, int[] index, int slot, long distance, int candidate) {
        if (distance < second[slot]) {
            if (distance < nearest[slot]) {
                second[slot] = nearest[slot];
                nearest[slot] = distance;
                index[slot] = candidate;
            } else {
                second[slot] = distance;
            }
        }
    }
}
