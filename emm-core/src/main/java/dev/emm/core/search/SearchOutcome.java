package dev.emm.core.search;

/** How a finished search ended. */
public enum SearchOutcome {
    /** The crossing lies in [lo, hi]: lo memorizes, hi does not, and hi/lo meets the precision. */
    BRACKETED,
    /** Every size up to the maximum memorizes: EMM >= max. */
    ABOVE_MAX,
    /** Even the minimum size does not memorize: EMM < min. */
    BELOW_MIN
}
