package dev.emm.cli;

import java.net.http.HttpClient;
import java.time.Duration;

/** The HTTP client the CLI talks to the orchestrator with. */
final class CliHttp {

    private CliHttp() {
    }

    /**
     * HTTP/1.1: the JDK client otherwise offers an h2c upgrade, and after the server refused an
     * oversized body (413) the upgraded connection read HTTP/1.1 bytes as an HTTP/2 frame and failed.
     */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
