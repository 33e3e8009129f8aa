package dev.emm.testsupport;

import dev.emm.cli.LocalPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the trainer's {@code emm_training_runs_total{outcome}} from its Prometheus endpoint. */
public final class TrainerMeters {

    private TrainerMeters() {
    }

    public static double runs(LocalPipeline pipeline, String outcome) {
        Pattern pattern = Pattern.compile(
                "emm_training_runs_total\\{[^}]*outcome=\"" + Pattern.quote(outcome) + "\"[^}]*} ([0-9.]+)");
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(pipeline.service("trainer-service").url() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher matcher = pattern.matcher(metrics);
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
