package dev.emm.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.spec.ExperimentSpec;

/** One value of a sweep: the experiment that searches EMM with the factor at that value, and its spec. */
public record SweepMember(JsonNode value, String experimentId, ExperimentSpec spec) {
}
