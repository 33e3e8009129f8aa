package dev.emm.core.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.search.ExperimentStatus;
import dev.emm.core.search.SizePoint;
import java.util.List;

/**
 * One value of a sweep and where its experiment stands: the fields of its {@code EmmResult} once
 * finished ({@code emm}, {@code bracket}, {@code message}), the sizes measured so far.
 */
public record SweepValueResult(JsonNode value, String experimentId, ExperimentStatus status, Integer emm,
        List<Integer> bracket, List<SizePoint> points, String message) {
}
