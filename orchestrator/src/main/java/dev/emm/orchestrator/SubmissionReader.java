package dev.emm.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.events.ExperimentSubmitted;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.SpecViolation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a submission from REST or Kafka: either an {@link ExperimentSubmitted} envelope
 * ({@code {"experimentId": ..., "spec": {...}}}) or a bare spec. The spec is read strictly and
 * validated, so every failure names the offending field.
 */
final class SubmissionReader {

    /**
     * @param fieldPrefix what the spec's field paths are prefixed with in violations: {@code "spec."}
     *                    inside an envelope, else empty
     */
    record Submission(String experimentId, ExperimentSpec spec, String fieldPrefix) {
    }

    private SubmissionReader() {
    }

    /**
     * @param fallbackId the id to use when the document names none (a Kafka key), or null to generate one
     * @throws Json.MalformedJsonException when the JSON cannot be read
     * @throws InvalidSpecException        when the spec is invalid
     */
    static Submission read(String payload, String fallbackId) {
        if (payload == null || payload.isBlank()) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "empty submission")));
        }
        JsonNode document;
        try {
            document = Json.mapper().readTree(payload);
        } catch (IOException e) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "malformed JSON: "
                    + e.getMessage().lines().findFirst().orElse(""))));
        }
        if (document == null || !document.isObject()) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "a submission must be a JSON object")));
        }
        boolean envelope = document.has("spec");
        JsonNode specNode = envelope ? document.get("spec") : document;
        if (envelope && document.has("schemaVersion") && document.get("schemaVersion").asInt() != ExperimentSubmitted.VERSION) {
            throw new InvalidSpecException(List.of(new SpecViolation("schemaVersion",
                    "unsupported version " + document.get("schemaVersion") + ", expected " + ExperimentSubmitted.VERSION)));
        }
        ExperimentSpec spec;
        try {
            spec = Json.readStrict(specNode.toString().getBytes(StandardCharsets.UTF_8), ExperimentSpec.class);
        } catch (Json.MalformedJsonException e) {
            String field = envelope ? "spec." + e.field() : e.field();
            throw new InvalidSpecException(List.of(new SpecViolation(field, e.getCause().getMessage()
                    .lines().findFirst().orElse("malformed"))));
        }
        ExperimentSpec validated;
        try {
            validated = SpecValidator.validated(spec);
        } catch (InvalidSpecException e) {
            if (!envelope) {
                throw e;
            }
            throw new InvalidSpecException(e.violations().stream()
                    .map(v -> new SpecViolation("spec." + v.field(), v.message()))
                    .toList());
        }
        String id = envelope && document.hasNonNull("experimentId") ? document.get("experimentId").asText() : fallbackId;
        if (id == null) {
            id = ExperimentIds.generate(validated.name());
        } else if (!ExperimentIds.valid(id)) {
            throw new InvalidSpecException(List.of(new SpecViolation("experimentId",
                    "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit")));
        }
        return new Submission(id, validated, envelope ? "spec." : "");
    }
}
