package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
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

    private static String check(String json, String origin) {
        validated(json, origin);
        return json;
    }

    /** The spec in {@code json} (a spec, or a submission with a "spec" field) with every default filled in. */
    static ExperimentSpec validated(String json, String origin) {
        try {
            JsonNode document = Json.mapper().readTree(json);
            JsonNode spec = document.has("spec") ? document.get("spec") : document;
            return SpecValidator.validated(Json.readStrict(spec.toString().getBytes(StandardCharsets.UTF_8),
                    ExperimentSpec.class));
        } catch (IOException | RuntimeException e) {
            throw new CliException(origin + " is not a valid experiment spec: " + e.getMessage(), e);
        }
    }
}
