package dev.emm.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.events.ExperimentSubmitted;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecDocument;
import dev.emm.core.spec.SpecViolation;
import dev.emm.core.spec.SweepExpansion;
import dev.emm.core.sweep.SweepState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a submission from REST or Kafka: either an {@link ExperimentSubmitted} envelope
 * ({@code {"experimentId": ..., "spec": {...}}}) or a bare spec. The spec is read strictly and
 * validated, so every failure names the offending field. A spec with a {@code sweep} is a sweep:
 * {@link SweepExpansion} gives one validated spec per value, and the submission's id is the sweep's.
 *
 * <p>A submission is at most {@value #MAX_BYTES} bytes of UTF-8. Every run-level event carries the
 * whole spec, so without a bound a spec could be accepted whose events the broker refuses (its
 * record limit is 1 MB); a real spec is about 2 KB.
 */
final class SubmissionReader {

    static final int MAX_BYTES = 64 * 1024;

    /**
     * One experiment ({@code spec}) or a sweep ({@code sweep}, then {@code id} is the sweep's and
     * {@code spec} null).
     *
     * @param fieldPrefix what the spec's field paths are prefixed with in violations: {@code "spec."}
     *                    inside an envelope, else empty
     */
    record Submission(String id, ExperimentSpec spec, SweepExpansion.Expanded sweep, String fieldPrefix) {

        boolean isSweep() {
            return sweep != null;
        }
    }

    private SubmissionReader() {
    }

    /**
     * @param fallbackId the id to use when the document names none (a Kafka key), or null to generate one
     * @throws SubmissionTooLargeException when the payload exceeds {@link #MAX_BYTES}
     * @throws InvalidSpecException        naming the field: when the payload is empty, not UTF-8, not a
     *                                     JSON object, has an unsupported {@code schemaVersion} or an
     *                                     invalid {@code experimentId}, or its spec cannot be read or is
     *                                     invalid
     */
    static Submission read(byte[] payload, String fallbackId) {
        if (payload != null && payload.length > MAX_BYTES) {
            throw new SubmissionTooLargeException(MAX_BYTES);
        }
        String text = payload == null ? "" : utf8(payload);
        if (text.isBlank()) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "empty submission")));
        }
        JsonNode document;
        try {
            document = Json.mapper().readTree(text);
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
        String prefix = envelope ? "spec." : "";
        SpecDocument spec;
        try {
            spec = SpecDocument.read(specNode);
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(e.violations().stream()
                    .map(v -> new SpecViolation(prefix + v.field(), v.message()))
                    .toList());
        }
        JsonNode experimentId = envelope ? document.get("experimentId") : null;
        if (experimentId != null && !experimentId.isNull() && !experimentId.isTextual()) {
            throw new InvalidSpecException(List.of(new SpecViolation("experimentId", "must be a string")));
        }
        String id = experimentId != null && experimentId.isTextual() ? experimentId.asText() : fallbackId;
        if (id == null) {
            id = ExperimentIds.generate(spec.name());
        } else if (!ExperimentIds.valid(id)) {
            throw new InvalidSpecException(List.of(new SpecViolation("experimentId",
                    "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit")));
        } else if (spec.isSweep() && id.length() > SweepState.MAX_ID_LENGTH) {
            throw new InvalidSpecException(List.of(new SpecViolation("experimentId", "a sweep's id must be at most "
                    + SweepState.MAX_ID_LENGTH + " characters, so that its experiments' ids (" + id + "-v0, ...) are ids")));
        }
        return new Submission(id, spec.experiment(), spec.sweep(), prefix);
    }

    /** Strict decoding: bytes that are not UTF-8 are an error, never replaced by U+FFFD and accepted. */
    private static String utf8(byte[] payload) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "not valid UTF-8: " + e.getMessage())));
        }
    }
}
