package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.SweepExpansion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a spec file and checks it before anything starts, so a typo fails in a second rather than
 * after the stack is up. The orchestrator validates again: it is the authority.
 */
final class SpecFiles {

    static final String DEFAULT_RESOURCE = "/dev/emm/cli/default-experiment.json";

    private SpecFiles() {
    }

    static String read(Path file) {
        if (file == null) {
            try (InputStream in = SpecFiles.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                return check(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the default experiment");
            } catch (IOException e) {
                throw new CliException("cannot read the default experiment: " + e.getMessage(), e);
            }
        }
        try {
            return check(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new CliException("cannot read spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** Validates an experiment spec, or a sweep (every value's spec) as the orchestrator will expand it. */
    private static String check(String json, String origin) {
        JsonNode spec;
        try {
            spec = specOf(json);
        } catch (IOException e) {
            throw new CliException(origin + " is not a valid experiment spec: " + e.getMessage(), e);
        }
        if (!SweepExpansion.isSweep(spec)) {
            validated(json, origin);
            return json;
        }
        try {
            SweepExpansion.expand(spec);
        } catch (RuntimeException e) {
            throw new CliException(origin + " is not a valid sweep: " + e.getMessage(), e);
        }
        return json;
    }

    /** The spec in {@code json} (a spec, or a submission with a "spec" field) with every default filled in. */
    static ExperimentSpec validated(String json, String origin) {
        try {
            JsonNode spec = specOf(json);
            if (SweepExpansion.isSweep(spec)) {
                throw new IllegalArgumentException("it names a sweep (one spec per value of sweep.factor); "
                        + "give one value's spec");
            }
            return SpecValidator.validated(Json.readStrict(spec.toString().getBytes(StandardCharsets.UTF_8),
                    ExperimentSpec.class));
        } catch (IOException | RuntimeException e) {
            throw new CliException(origin + " is not a valid experiment spec: " + e.getMessage(), e);
        }
    }

    /** The document's spec: itself, or the "spec" field of a submission. */
    private static JsonNode specOf(String json) throws IOException {
        JsonNode document = Json.mapper().readTree(json);
        return document != null && document.has("spec") ? document.get("spec") : document;
    }
}
