package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The orchestrator's REST API as the CLI uses it. */
public final class OrchestratorClient {

    private final HttpClient http = CliHttp.client();
    private final String baseUrl;

    public OrchestratorClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Submits a spec (or an envelope with an experimentId) and returns the new experiment's view, or for
     * a spec with a {@code sweep} the new sweep's (with {@code sweepId}).
     */
    public JsonNode submit(String specJson) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/experiments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(specJson)));
        JsonNode body = parse(response);
        if (response.statusCode() == 400) {
            StringBuilder message = new StringBuilder("the orchestrator rejected the spec:");
            body.path("violations").forEach(v -> message.append("\n  ").append(v.path("field").asText()).append(": ")
                    .append(v.path("message").asText()));
            throw new CliException(message.toString());
        }
        expect(response, 201);
        return body;
    }

    public JsonNode experiment(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/experiments/" + id)).GET());
        requireFound(response, id);
        expect(response, 200);
        return parse(response);
    }

    /** The experiment's HTML report ({@code GET /experiments/{id}/report}). */
    public String report(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/experiments/" + id + "/report"))
                .GET());
        requireFound(response, id);
        expect(response, 200);
        return response.body();
    }

    /** A sweep's EMM per value ({@code GET /sweeps/{id}}). */
    public JsonNode sweep(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/sweeps/" + id)).GET());
        if (response.statusCode() == 404) {
            throw new CliException("no sweep '" + id + "' at " + baseUrl);
        }
        expect(response, 200);
        return parse(response);
    }

    /** The sweep's HTML report ({@code GET /sweeps/{id}/report}). */
    public String sweepReport(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/sweeps/" + id + "/report"))
                .GET());
        if (response.statusCode() == 404) {
            throw new CliException("no sweep '" + id + "' at " + baseUrl);
        }
        expect(response, 200);
        return response.body();
    }

    /** Every sweep of the stack ({@code GET /sweeps}). */
    public JsonNode sweeps() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/sweeps")).GET());
        expect(response, 200);
        return parse(response);
    }

    /** Every experiment of the stack, as {@code GET /experiments} lists them. */
    public JsonNode experiments() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/experiments")).GET());
        expect(response, 200);
        return parse(response);
    }

    /**
     * Cancels an experiment and returns its view: status {@code cancelled}, or, for an experiment
     * that had already finished (HTTP 409), its unchanged answer.
     */
    public JsonNode cancel(String id) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/experiments/" + id))
                .DELETE());
        requireFound(response, id);
        if (response.statusCode() != 409) {
            expect(response, 200);
        }
        return parse(response);
    }

    private void requireFound(HttpResponse<String> response, String id) {
        if (response.statusCode() == 404) {
            throw new CliException("no experiment '" + id + "' at " + baseUrl);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach the orchestrator at " + baseUrl + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is the stack up?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new CliException("unexpected answer from the orchestrator (HTTP " + response.statusCode() + "): "
                    + response.body());
        }
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new CliException("the orchestrator answered HTTP " + response.statusCode() + ": " + response.body());
        }
    }
}
