package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.data.DatasetManifest;
import dev.emm.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The orchestrator's {@code /datasets} REST API as the CLI uses it (docs/DATASETS.md). */
final class DatasetClient {

    /** A dataset import may read and write a few hundred megabytes. */
    private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(30);

    private final HttpClient http = CliHttp.client();
    private final String baseUrl;

    DatasetClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    String baseUrl() {
        return baseUrl;
    }

    List<DatasetManifest> list() {
        HttpResponse<String> response = send(request("/datasets").GET(), Duration.ofSeconds(60));
        expect(response, 200);
        try {
            List<DatasetManifest> manifests = new ArrayList<>();
            for (JsonNode node : Json.mapper().readTree(response.body())) {
                manifests.add(Json.mapper().treeToValue(node, DatasetManifest.class));
            }
            return manifests;
        } catch (IOException e) {
            throw new CliException("unexpected answer from the orchestrator: " + response.body());
        }
    }

    Optional<DatasetManifest> find(String name) {
        HttpResponse<String> response = send(request("/datasets/" + name).GET(), Duration.ofSeconds(30));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200);
        return Optional.of(Json.read(response.body(), DatasetManifest.class));
    }

    byte[] preview(String name, int perClass, int scale) {
        HttpResponse<byte[]> response = sendBytes(request("/datasets/" + name + "/preview.png?perClass=" + perClass
                + "&scale=" + scale).GET());
        if (response.statusCode() != 200) {
            throw new CliException(errorOf(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8)));
        }
        return response.body();
    }

    /**
     * Uploads {@code body} as the dataset file; {@code parameters} are the query parameters of
     * {@code POST /datasets/NAME} (format, replace, filename, split, ...), nulls left out.
     */
    DatasetManifest importFile(String name, Path body, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> parameter : new LinkedHashMap<>(parameters).entrySet()) {
            if (parameter.getValue() != null) {
                query.append(query.isEmpty() ? '?' : '&').append(parameter.getKey()).append('=')
                        .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            }
        }
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = HttpRequest.BodyPublishers.ofFile(body);
        } catch (IOException e) {
            throw new CliException("cannot read " + body + ": " + e.getMessage(), e);
        }
        HttpResponse<String> response = send(request("/datasets/" + name + query)
                .header("Content-Type", "application/octet-stream").POST(publisher), IMPORT_TIMEOUT);
        if (response.statusCode() == 409) {
            throw new CliException("a dataset named '" + name + "' is already registered; pass --replace to replace it");
        }
        if (response.statusCode() != 201) {
            throw new CliException(errorOf(response.statusCode(), response.body()));
        }
        return Json.read(response.body(), DatasetManifest.class);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path));
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private CliException unreachable(IOException e) {
        return new CliException("cannot reach the orchestrator at " + baseUrl + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is the stack up? (./emm up)", e);
    }

    /** The server's {@code {"error": ...}} message, or the raw answer. */
    private static String errorOf(int status, String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it is
        }
        return "the orchestrator answered HTTP " + status + ": " + body;
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new CliException(errorOf(response.statusCode(), response.body()));
        }
    }
}
