package dev.emm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** Polls an experiment until it finishes, showing progress, and returns its final view. */
public final class ExperimentWatcher {

    private ExperimentWatcher() {
    }

    /**
     * @param healthCheck run before each poll; throws when the pipeline cannot finish (a dead service)
     */
    public static JsonNode await(OrchestratorClient client, String experimentId, Duration timeout, ProgressPrinter printer,
            Runnable healthCheck) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            healthCheck.run();
            JsonNode view = client.experiment(experimentId);
            printer.show(view);
            if (ResultLine.finished(view)) {
                return view;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new CliException("experiment " + experimentId + " did not finish within " + timeout.toMinutes()
                        + " min; it keeps running, follow it with 'emm wait " + experimentId + "'");
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
    }
}
