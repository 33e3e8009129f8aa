package dev.emm.core.search;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a finished search ended. */
public enum SearchOutcome {
    /** The crossing lies in [lo, hi]: lo memorizes, hi does not, and hi/lo meets the precision. */
    BRACKETED,
    /** Every size up to the maximum memorizes: EMM >= max. */
    ABOVE_MAX,
    /** Even the minimum size does not memorize: EMM < min. */
    BELOW_MIN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
