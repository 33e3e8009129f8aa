package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.deploy.StrictManifests.Manifest;
import dev.emm.localstack.LocalStack;
import dev.emm.localstack.LocalStackSettings;
import dev.emm.store.StoreConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's REST API as the chart configures it with {@code api.tokenSecret} and
 * {@code api.maxBodySize}: its jar started with the rendered Deployment's env (the Secret's token
 * filled in here) on a local broker and store.
 */
class OrchestratorApiLiveTest {

    private static final String TOKEN = "s3cr3t-token-for-the-api-test";
    private static final String SPEC = """
            {"name":"api-token-check","data":{"dataset":"mnist","resolution":16,"classes":10},
             "model":{"kind":"optimum"},"sampling":{"sampleCount":16,"batchSize":16},
             "search":{"minSize":10,"maxSize":20}}""";

    private static Path work;
    private static LocalStack stack;
    private static ServiceProcess orchestrator;

    @BeforeAll
    static void startTheOrchestratorAsTheChartConfiguresIt() throws Exception {
        Path app = Repo.root().resolve("orchestrator/target/quarkus-app");
        assertTrue(Files.isRegularFile(app.resolve("quarkus-run.jar")), app + " is missing: build the services first");
        work = Files.createTempDirectory("emm-api-live");
        stack = LocalStack.start(LocalStackSettings.onFreePorts(work.resolve("stack")));
        List<Manifest> chart = Charts.renderStrict("api", Charts.valueSets().get("dev"),
                Map.of("api.tokenSecret.name", "emm-api-token", "api.maxBodySize", "64K"));
        Container c = WorkloadChecks.deployment(chart, "emm-orchestrator").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        Map<String, String> env = new TreeMap<>(HelmChartTest.configMap(chart, "emm-config").getData());
        for (EnvVar v : c.getEnv()) {
            env.put(v.getName(), v.getValue());
        }
        StoreConfig store = stack.storeConfig();
        env.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(), "EMM_STORE_ENDPOINT", store.endpoint(),
                "EMM_STORE_BUCKET", store.bucket(), "EMM_STORE_ACCESS_KEY", store.accessKey(),
                "EMM_STORE_SECRET_KEY", store.secretKey(), "EMM_API_TOKEN", TOKEN));
        String[] javaOpts = env.remove("JAVA_OPTS").trim().split("\\s+");
        env.remove("DJL_CACHE_DIR");
        assertEquals("64K", env.get("QUARKUS_HTTP_LIMITS_MAX_BODY_SIZE"));
        orchestrator = ServiceProcess.start(app, work.resolve("orchestrator"), env, javaOpts);
        assertTrue(orchestrator.awaitStatus("/q/health/ready", 200, Duration.ofMinutes(3)), orchestrator.log());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (work != null) {
            Charts.deleteTree(work);
        }
    }

    private static HttpResponse<String> send(String method, String path, String token, byte[] body) throws Exception {
        // Expect: 100-continue, as curl sends it for large bodies: the limit is answered before the body.
        HttpRequest.Builder b = HttpRequest.newBuilder(orchestrator.uri(path)).timeout(Duration.ofSeconds(30))
                .expectContinue(body != null)
                .header("Content-Type", body == null ? "application/json" : "application/octet-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.ofString(SPEC)
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return orchestrator.send(b.build());
    }

    @Test
    void changesNeedTheBearerTokenAndReadsDoNot() throws Exception {
        HttpResponse<String> none = send("POST", "/experiments", null, null);
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("Bearer realm=\"emm\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
        assertEquals(401, send("POST", "/experiments", "wrong-token", null).statusCode());
        assertEquals(401, send("DELETE", "/datasets/no-such-dataset", null, null).statusCode());

        HttpResponse<String> created = send("POST", "/experiments", TOKEN, null);
        assertEquals(201, created.statusCode(), created.body());
        String id = Yaml.JSON.readTree(created.body()).path("experimentId").asText();
        HttpResponse<String> list = orchestrator.get("/experiments");
        assertEquals(200, list.statusCode(), "reads need no token");
        assertTrue(list.body().contains(id), list.body());
        assertEquals(200, orchestrator.get("/experiments/" + id).statusCode());
        assertEquals(404, send("DELETE", "/datasets/no-such-dataset", TOKEN, null).statusCode(),
                "with the token a DELETE reaches the resource");
    }

    @Test
    void bodiesOverTheConfiguredLimitAreRefused() throws Exception {
        HttpResponse<String> big = send("POST", "/datasets/too-big", TOKEN, new byte[65 * 1024]);
        assertEquals(413, big.statusCode(), big.body());
        HttpResponse<String> small = send("POST", "/datasets/small", TOKEN, new byte[1024]);
        assertTrue(small.statusCode() != 413 && small.statusCode() != 401, small.statusCode() + " " + small.body());
    }

    @Test
    void openApiDescribesTheRestApi() throws Exception {
        HttpResponse<String> r = orchestrator.get("/q/openapi?format=json");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode paths = Yaml.JSON.readTree(r.body()).path("paths");
        assertTrue(paths.path("/experiments").has("post"), paths.toString());
        assertTrue(paths.path("/experiments").has("get"), paths.toString());
        assertTrue(paths.path("/experiments/{id}").has("get"), paths.toString());
        assertTrue(paths.path("/datasets/{name}").has("post"), paths.toString());
    }
}
