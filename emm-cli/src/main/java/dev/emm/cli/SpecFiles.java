package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a spec file and checks it before anything starts, so a typo fails in a second rather than
 * after the stack is up. The check is the orchestrator's own reading ({@link SpecDocument}); the
 * orchestrator reads it again on submission, as the authority.
 */
final class SpecFiles {

    static final String DEFAULT_RESOURCE = "/dev/emm/cli/default-experiment.json";

    private SpecFiles() {
    }

    /** The file's text (the default experiment's when {@code file} is null), once it has passed the check. */
    static String read(Path file) {
        String origin = file == null ? "the default experiment" : file.toString();
        String json = text(file);
        checked(json, origin);
        return json;
    }

    /** The one experiment in {@code json} (a spec, or a submission with a "spec" field), every default filled in. */
    static ExperimentSpec experiment(String json, String origin) {
        SpecDocument document = checked(json, origin);
        if (document.isSweep()) {
            throw new CliException(origin + " is not a valid experiment spec: it names a sweep "
                    + "(one spec per value of sweep.factor); give one value's spec");
        }
        return document.experiment();
    }

    /** The spec file's experiment, every default filled in. */
    static ExperimentSpec experiment(Path file) {
        return experiment(text(file), file.toString());
    }

    private static SpecDocument checked(String json, String origin) {
        JsonNode spec;
        try {
            JsonNode document = Json.mapper().readTree(json);
            spec = document != null && document.has("spec") ? document.get("spec") : document;
        } catch (IOException e) {
            throw new CliException(origin + " is not valid JSON: " + e.getMessage(), e);
        }
        if (spec == null || !spec.isObject()) {
            throw new CliException(origin + " is not a valid experiment spec: a spec is a JSON object");
        }
        try {
            return SpecDocument.read(spec);
        } catch (RuntimeException e) {
            String kind = spec.has("sweep") ? "sweep" : "experiment spec";
            throw new CliException(origin + " is not a valid " + kind + ": " + e.getMessage(), e);
        }
    }

    private static String text(Path file) {
        if (file == null) {
            try (InputStream in = SpecFiles.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("cannot read the default experiment: " + e.getMessage(), e);
            }
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read spec " + file + ": " + e.getMessage(), e);
        }
    }
}
