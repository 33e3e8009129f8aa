package dev.emm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.cli.ExperimentWatcher;
import dev.emm.cli.LocalPipeline;
import dev.emm.cli.OrchestratorClient;
import dev.emm.cli.ProgressPrinter;
import dev.emm.cli.ServiceProcess;
import dev.emm.core.events.Topics;
import dev.emm.core.json.Json;
import dev.emm.testsupport.Experiments;
import dev.emm.testsupport.KafkaTestClients;
import dev.emm.testsupport.SharedPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two orchestrator processes on one store and broker: the second waits on standby (not ready,
 * saying who holds the orchestrator lease; its API answers 503; it joins no consumer group) while
 * the first handles a Kafka submission alone; when the first is killed, the second takes over
 * only once the first's lease has expired, resumes what is stored and runs a new experiment.
 */
@Tag("slow")
class OrchestratorStandbyIT {

    /** EMM_ORCHESTRATOR_LEASE_SECONDS of the local pipeline (ServiceProcess); renewed every third of it. */
    private static final long LEASE_MILLIS = 10_000;
    private static final String GROUP = "emm-orchestrator";
    /** The active orchestrator's consumers in GROUP: submissions, metrics, failures and cancellations. */
    private static final int ACTIVE_MEMBERS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aSecondOrchestratorStaysOnStandbyUntilTheFirstsLeaseExpires() throws Exception {
        LocalPipeline pipeline = SharedPipeline.get();
        String bootstrap = pipeline.stack().bootstrapServers();
        // The active orchestrator's consumers join shortly after it is ready. From then on members only
        // leave (a consumer of an orchestrator an earlier test killed stays until its session times
        // out), so a member the standby added would be new.
        Instant joined = Instant.now().plus(Duration.ofSeconds(60));
        while (groupMembers(bootstrap).size() < ACTIVE_MEMBERS && Instant.now().isBefore(joined)) {
            Experiments.sleep(500);
        }
        Set<String> membersBefore = groupMembers(bootstrap);
        assertTrue(membersBefore.size() >= ACTIVE_MEMBERS, "members of " + GROUP + ": " + membersBefore);
        Path logs = Files.createTempDirectory("emm-standby-");
        ServiceProcess second = ServiceProcess.start("orchestrator", LocalPipeline.freePort(), pipeline.stack(), logs, false);
        try {
            JsonNode lease = awaitStandby(second);
            assertEquals("DOWN", lease.path("status").asText(), lease.toString());
            String reason = lease.path("data").path("reason").asText();
            assertTrue(reason.startsWith("standby: orchestrator ") && reason.contains(" holds the lease until "), reason);
            HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(URI.create(second.url() + "/q/health/live"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), "a standby is alive (not restarted by its liveness probe): " + live.body());
            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(second.url() + "/experiments"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Experiments.optimumSpec("refused", 10, 20, 50))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("standby"), refused.body());

            KafkaTestClients.produce(bootstrap, Topics.EXPERIMENTS_SUBMITTED, "standby-first",
                    Experiments.optimumSpec("standby-first", 10, 20, 50));
            JsonNode first = Experiments.await(pipeline, "standby-first", Duration.ofMinutes(3));
            assertEquals("above_max", first.path("status").asText(), first.toString());
            Set<String> newMembers = new TreeSet<>(groupMembers(bootstrap));
            newMembers.removeAll(membersBefore);
            assertEquals(Set.of(), newMembers, "members that joined " + GROUP + " while the standby was up");
            assertTrue(!second.logTail(400).contains("standby-first"), "the standby saw nothing of the experiment");

            long killedAt = System.nanoTime();
            pipeline.service("orchestrator").kill();
            second.awaitReady(Duration.ofSeconds(60));
            long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            // The first renewed its lease at most a third of the term before the kill.
            assertTrue(takeoverMillis >= LEASE_MILLIS * 2 / 3 - 500, "took over after " + takeoverMillis + " ms");
            assertTrue(takeoverMillis <= LEASE_MILLIS * 3, "took over after " + takeoverMillis + " ms");

            OrchestratorClient client = new OrchestratorClient(second.url());
            assertEquals("above_max", client.experiment("standby-first").path("status").asText(),
                    "the new active orchestrator resumed the stored experiments");
            String next = client.submit(Experiments.optimumSpec("standby-second", 10, 20, 50)).path("experimentId").asText();
            JsonNode done = ExperimentWatcher.await(client, next, Duration.ofMinutes(3), new ProgressPrinter(System.err),
                    () -> { });
            assertEquals("above_max", done.path("status").asText(), done.toString());
            assertEquals(20, done.path("emm").asInt());
            System.err.printf("orchestrator standby: refused with 503, joined no group (%d members before, none new), "
                    + "took over %d ms after the active one was killed (lease %d ms)%n", membersBefore.size(),
                    takeoverMillis, LEASE_MILLIS);
        } finally {
            second.stop();
            pipeline.restart("orchestrator");
        }
    }

    /** The readiness check of the orchestrator lease, once the process answers. */
    private static JsonNode awaitStandby(ServiceProcess orchestrator) throws Exception {
        Instant deadline = Instant.now().plus(LocalPipeline.START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            assertTrue(orchestrator.alive(), "the second orchestrator exited:\n" + orchestrator.logTail(30));
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
                        URI.create(orchestrator.url() + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode check : Json.mapper().readTree(ready.body()).path("checks")) {
                    if ("orchestrator-lease".equals(check.path("name").asText())
                            && check.path("data").path("reason").asText().startsWith("standby: orchestrator ")) {
                        assertEquals(503, ready.statusCode(), ready.body());
                        return check;
                    }
                }
            } catch (java.io.IOException notListening) {
                // not up yet
            }
            Experiments.sleep(250);
        }
        throw new AssertionError("the second orchestrator never reported its standby:\n" + orchestrator.logTail(30));
    }

    private static Set<String> groupMembers(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            return admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members().stream()
                    .map(MemberDescription::consumerId).collect(Collectors.toSet());
        }
    }
}
