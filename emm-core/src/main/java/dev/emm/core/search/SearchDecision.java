package dev.emm.core.search;

import java.util.List;

/** What the search wants next: train some sizes, or stop with an answer. */
public sealed interface SearchDecision {

    /** Train these sizes (none of them measured yet), then ask again once all have results. */
    record Probe(List<Integer> sizes) implements SearchDecision {
    }

    /**
     * The search is over. {@code largestMemorizing} is null for {@link SearchOutcome#BELOW_MIN},
     * {@code smallestNotMemorizing} is null for {@link SearchOutcome#ABOVE_MAX}.
     */
    record Finished(SearchOutcome outcome, Integer largestMemorizing, Integer smallestNotMemorizing)
            implements SearchDecision {
    }
}
