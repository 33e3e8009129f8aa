package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.localstack.LocalStack;
import dev.emm.localstack.LocalStackSettings;
import dev.emm.store.StoreConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EMM_DEVICE honoured by a DJL service (sampler-service's fast-jar with this build's CPU-only
 * libtorch, against a local broker and store): gpu keeps the readiness check DOWN with the reason
 * and logs it; cpu and auto are ready and report the CPU in the gauge; an invalid value stops the
 * start with a message naming the variable.
 */
class DeviceReadinessLiveTest {

    private static final String NO_CUDA = "EMM_DEVICE=gpu but CUDA is not available: PyTorch 2.7.1 is a CPU-only"
            + " build of libtorch";

    private static Path work;
    private static LocalStack stack;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    @BeforeAll
    static void startOneSamplerPerDeviceValue() throws Exception {
        Path app = Repo.root().resolve("sampler-service/target/quarkus-app");
        assertTrue(Files.isRegularFile(app.resolve("quarkus-run.jar")),
                app + " is missing: build the services first (mvn -B -pl deploy-checks -am package)");
        work = Files.createTempDirectory("emm-device-readiness");
        stack = LocalStack.start(LocalStackSettings.onFreePorts(work.resolve("stack")));
        StoreConfig store = stack.storeConfig();
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "EMM_STORE_ENDPOINT", store.endpoint(),
                "EMM_STORE_BUCKET", store.bucket(),
                "EMM_STORE_ACCESS_KEY", store.accessKey(),
                "EMM_STORE_SECRET_KEY", store.secretKey(),
                // One engine cache for all: libtorch is unpacked once, by the first process.
                "ENGINE_CACHE_DIR", work.resolve("engines").toString()));
        for (String device : new String[] {"gpu", "cpu", "auto", "cuda"}) {
            env.put("EMM_DEVICE", device);
            ServiceProcess p = ServiceProcess.start(app, work.resolve(device), env, "-Dai.djl.offline=true");
            services.put(device, p);
            if (device.equals("gpu")) {
                assertTrue(p.awaitAnswer("/q/health/live", Duration.ofMinutes(3)), p.log());
            }
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (ServiceProcess p : services.values()) {
            p.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (work != null) {
            Charts.deleteTree(work);
        }
    }

    /** The readiness report once every check but the device's has settled to UP. */
    private static JsonNode settledReadiness(String device) throws Exception {
        ServiceProcess p = services.get(device);
        assertTrue(p.awaitAnswer("/q/health/ready", Duration.ofMinutes(3)), device + ":\n" + p.log());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        JsonNode report = null;
        while (Instant.now().isBefore(deadline)) {
            report = Yaml.JSON.readTree(p.get("/q/health/ready").body());
            boolean othersUp = true;
            for (JsonNode check : report.path("checks")) {
                if (!check.path("name").asText().equals("compute-device") && !check.path("status").asText().equals("UP")) {
                    othersUp = false;
                }
            }
            if (othersUp && deviceCheck(report) != null) {
                return report;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(device + ": readiness did not settle: " + report + "\n" + p.log());
    }

    private static JsonNode deviceCheck(JsonNode report) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("name").asText().equals("compute-device")) {
                return check;
            }
        }
        return null;
    }

    private static String gaugeLine(String device) throws Exception {
        return services.get(device).get("/q/metrics").body().lines()
                .filter(l -> l.startsWith("emm_compute_device{")).findFirst().orElse(null);
    }

    @Test
    void gpuWithoutCudaIsNotReadyAndSaysWhy() throws Exception {
        JsonNode report = settledReadiness("gpu");
        HttpResponse<String> ready = services.get("gpu").get("/q/health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        JsonNode check = deviceCheck(report);
        assertEquals("DOWN", check.path("status").asText(), report.toString());
        assertEquals(NO_CUDA, check.path("data").path("reason").asText());
        assertEquals("none", check.path("data").path("device").asText());
        assertEquals(200, services.get("gpu").get("/q/health/live").statusCode(), "alive, only not ready");
        assertEquals("emm_compute_device{device=\"none\",requested=\"gpu\"} 0.0", gaugeLine("gpu"));
        assertTrue(services.get("gpu").log().contains("compute device: none, " + NO_CUDA), services.get("gpu").log());
    }

    @Test
    void cpuAndAutoAreReadyOnTheCpu() throws Exception {
        for (String device : new String[] {"cpu", "auto"}) {
            JsonNode report = settledReadiness(device);
            assertEquals(200, services.get(device).get("/q/health/ready").statusCode(), report.toString());
            JsonNode check = deviceCheck(report);
            assertEquals("UP", check.path("status").asText());
            assertEquals("cpu", check.path("data").path("device").asText());
            assertEquals("emm_compute_device{device=\"cpu\",requested=\"" + device + "\"} 1.0", gaugeLine(device));
            assertTrue(services.get(device).log().contains("compute device: cpu() (EMM_DEVICE=" + device + ")"),
                    services.get(device).log());
        }
    }

    @Test
    void anInvalidValueStopsTheStartNamingTheVariable() throws Exception {
        ServiceProcess p = services.get("cuda");
        Integer exit = p.awaitExit(Duration.ofMinutes(3));
        assertNotNull(exit, "still running with EMM_DEVICE=cuda:\n" + p.log());
        assertNotEquals(0, exit);
        assertTrue(p.log().contains("EMM_DEVICE must be auto, cpu or gpu, not 'cuda'"), p.log());
    }
}
