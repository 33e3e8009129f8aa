package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker/ without a Docker engine: the Dockerfiles' runtime stage settings, the scripts they copy
 * (run for real), and the DJL warm-up step of the image build against a built service's jars.
 */
class DockerImagesTest {

    @TempDir
    Path tmp;

    private static String dockerfile(String name) {
        return Yaml.read(Repo.root().resolve("docker").resolve(name));
    }

    /** The instructions after the last FROM. */
    private static String runtimeStage(String dockerfile) {
        return dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    }

    @ParameterizedTest(name = "{0}: non-root, health check, entrypoint, pinned bases, fast-jar layers")
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.gpu"})
    void runtimeStageRunsTheFastJarAsNonRootWithAHealthCheck(String name) {
        String df = dockerfile(name);
        String runtime = runtimeStage(df);
        assertTrue(runtime.contains("\nUSER 185:185\n"), "numeric non-root USER");
        assertTrue(runtime.contains("HEALTHCHECK") && runtime.contains("/opt/emm/healthcheck.sh"));
        assertTrue(runtime.contains("ENTRYPOINT [\"/opt/emm/entrypoint.sh\"]"));
        assertTrue(runtime.contains("EXPOSE 8080"));
        assertTrue(runtime.contains("DJL_CACHE_DIR=/var/cache/djl") && runtime.contains("ENGINE_CACHE_DIR=/opt/djl/engines"));
        assertTrue(runtime.contains("-Dai.djl.offline=true"), "the container never downloads");
        for (String layer : List.of("lib/", "quarkus-run.jar", "quarkus/", "app/")) {
            assertTrue(runtime.contains("/deployments/" + layer), "fast-jar layer " + layer);
        }
        Matcher from = Pattern.compile("(?m)^ARG (\\w+_IMAGE)=(\\S+)$").matcher(df);
        int bases = 0;
        while (from.find()) {
            String image = from.group(2);
            assertTrue(image.matches("[\\w./-]+:[\\w.-]+") && !image.endsWith(":latest"), "pinned base " + image);
            bases++;
        }
        assertTrue(bases >= 2, "base images are build args with pinned defaults");
        for (Matcher copy = Pattern.compile("(?m)^COPY (docker/\\S+)").matcher(df); copy.find(); ) {
            assertTrue(Files.exists(Repo.root().resolve(copy.group(1))), copy.group(1));
        }
    }

    @Test
    void gpuImageFetchesCu128LibtorchAtBuildTimeFromTheGpuProfileLayout() {
        String df = dockerfile("Dockerfile.gpu");
        assertTrue(df.contains("ARG PYTORCH_FLAVOR=cu128") && df.contains("ARG PYTORCH_VERSION=2.7.1"));
        // The layout comes from the Maven profile gpu (GpuImageLayoutTest): nothing is deleted after
        // the build, where Quarkus' index would still name it.
        assertFalse(df.contains("rm -f /deployments/lib/main"), "no jar is deleted after the Quarkus build");
        for (Matcher copy = Pattern.compile("(?m)^COPY \\$\\{SERVICE}/target/(\\S+?)/").matcher(df); copy.find(); ) {
            assertEquals("quarkus-app-gpu", copy.group(1), "Dockerfile.gpu copies the gpu profile's layout");
        }
        String script = Yaml.read(Repo.root().resolve("docker/build-images.sh"));
        assertTrue(script.contains("-Pgpu \\\n      -Dquarkus.package.output-directory=quarkus-app-gpu"), "build-images.sh builds it");
        assertTrue(Yaml.read(Repo.root().resolve("pom.xml")).contains(
                "<quarkus.class-loading.removed-artifacts>ai.djl.pytorch:pytorch-native-cpu:linux-x86_64</quarkus.class-loading.removed-artifacts>"));
        assertTrue(df.contains("ARG CUDA_IMAGE=nvidia/cuda:12.8"), "CUDA base matches the cu128 flavor");
        // The project's DJL line is the one the GPU image pins.
        String pom = Yaml.read(Repo.root().resolve("pom.xml"));
        assertTrue(pom.contains("<pytorch.native.version>2.7.1</pytorch.native.version>"));
        assertTrue(pom.contains("<djl.version>0.36.0</djl.version>"));
    }

    @Test
    void scriptsAreExecutableAndParse() throws Exception {
        for (String script : List.of("entrypoint.sh", "healthcheck.sh", "build-images.sh")) {
            Path p = Repo.root().resolve("docker").resolve(script);
            assertTrue(Files.isExecutable(p), script + " is executable");
            String shell = Yaml.read(p).startsWith("#!/bin/sh") ? "/bin/sh" : "bash";
            assertEquals(0, run(List.of(shell, "-n", p.toString()), Map.of()).exit(), script + " parses");
        }
        Run usage = run(List.of("bash", Repo.root().resolve("docker/build-images.sh").toString(), "no-such-service"),
                Map.of());
        assertEquals(2, usage.exit());
        assertTrue(usage.output().contains("unknown service 'no-such-service'"), usage.output());
    }

    /** The images build-images.sh names by default are exactly the ones the chart deploys. */
    @Test
    void buildScriptTagsEqualTheChartsAppVersionAndImages() throws Exception {
        Run dry = run(List.of("bash", Repo.root().resolve("docker/build-images.sh").toString(), "--dry-run"), Map.of());
        assertEquals(0, dry.exit(), dry.output());
        List<String> tagged = new ArrayList<>();
        for (Matcher m = Pattern.compile("(?m)^docker build .* -t (\\S+) \\.$").matcher(dry.output()); m.find(); ) {
            tagged.add(m.group(1));
        }
        String appVersion = Yaml.documents(Repo.chart().resolve("Chart.yaml")).get(0).path("appVersion").asText();
        assertEquals("0.1.0", appVersion);
        List<String> expected = new ArrayList<>();
        for (String service : List.of("orchestrator", "trainer-service", "sampler-service", "metric-service")) {
            expected.add("emm/" + service + ":" + appVersion);
            if (service.equals("trainer-service") || service.equals("sampler-service")) {
                expected.add("emm/" + service + ":" + appVersion + "-gpu");
            }
        }
        assertEquals(expected, tagged, dry.output());
        Set<String> deployed = new TreeSet<>();
        for (io.fabric8.kubernetes.api.model.apps.Deployment d : WorkloadChecks.all(
                Charts.renderStrict("default", null, Map.of()), io.fabric8.kubernetes.api.model.apps.Deployment.class)) {
            deployed.add(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        }
        assertEquals(Set.of("emm/orchestrator:0.1.0", "emm/trainer-service:0.1.0-gpu", "emm/sampler-service:0.1.0-gpu",
                "emm/metric-service:0.1.0"), deployed);
        assertTrue(tagged.containsAll(deployed), "every image the chart deploys is built: " + deployed);
        assertTrue(dry.output().contains("-Pgpu -Dquarkus.package.output-directory=quarkus-app-gpu")
                && dry.output().contains("-pl trainer-service,sampler-service -am package"), dry.output());
    }

    @Test
    void healthcheckPassesOnlyWhileLiveAnswers200() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> paths = new ArrayList<>();
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> env = Map.of("QUARKUS_HTTP_PORT", Integer.toString(server.getAddress().getPort()));
            List<String> cmd = List.of("bash", Repo.root().resolve("docker/healthcheck.sh").toString());
            assertEquals(0, run(cmd, env).exit(), "200: healthy");
            status.set(503);
            assertEquals(1, run(cmd, env).exit(), "503: unhealthy");
            assertEquals(List.of("/q/health/live", "/q/health/live"), paths);
        } finally {
            server.stop(0);
        }
        int closedPort = server.getAddress().getPort();
        assertNotEquals(0, run(List.of("bash", Repo.root().resolve("docker/healthcheck.sh").toString()),
                Map.of("QUARKUS_HTTP_PORT", Integer.toString(closedPort))).exit(), "nothing listening: unhealthy");
    }

    @Test
    void entrypointSplitsJavaOptsAndStartsTheFastJar() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(List.of("/bin/sh", Repo.root().resolve("docker/entrypoint.sh").toString()), Map.of(
                "PATH", bin + ":/usr/bin:/bin",
                "JAVA_OPTS", "-XX:MaxRAMPercentage=25  -Dai.djl.offline=true",
                "DJL_CACHE_DIR", tmp.resolve("djl").toString()));
        assertEquals(0, r.exit(), r.output());
        List<String> args = r.output().lines().toList();
        assertEquals("-XX:MaxRAMPercentage=25", args.get(0));
        assertEquals("-Dai.djl.offline=true", args.get(1));
        assertTrue(args.contains("-Djava.io.tmpdir=/tmp"));
        assertEquals(List.of("-jar", "/deployments/quarkus-run.jar"), args.subList(args.size() - 2, args.size()));
        assertTrue(Files.isDirectory(tmp.resolve("djl")), "the DJL cache folder is created");
    }

    /**
     * The CPU image's build step, for real: DjlWarmup.java run with a built trainer's lib/main as
     * class path, offline, unpacks libtorch into ENGINE_CACHE_DIR, where the image keeps it.
     */
    @Test
    void djlWarmupUnpacksLibtorchIntoTheEngineCacheOffline() throws Exception {
        Path libMain = Repo.root().resolve("trainer-service/target/quarkus-app/lib/main");
        assertTrue(Files.isDirectory(libMain), libMain + " is missing: build the services first"
                + " (mvn -B -pl deploy-checks -am install)");
        try (Stream<Path> jars = Files.list(libMain)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.matches("ai\\.djl\\.pytorch\\.pytorch-engine-.*\\.jar")),
                    "Dockerfile.jvm's glob ai.djl.pytorch.pytorch-engine-*.jar matches: " + names);
            assertTrue(names.stream().anyMatch(n -> n.matches("ai\\.djl\\.pytorch\\.pytorch-native-cpu-.*\\.jar")),
                    "Dockerfile.gpu's glob ai.djl.pytorch.pytorch-native-cpu-*.jar matches");
        }
        Path cache = tmp.resolve("engines");
        Run r = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", libMain + "/*",
                Repo.root().resolve("docker/DjlWarmup.java").toString()),
                Map.of("ENGINE_CACHE_DIR", cache.toString(), "DJL_CACHE_DIR", tmp.resolve("djl").toString()));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("DJL engine PyTorch 2.7.1"), r.output());
        try (Stream<Path> files = Files.walk(cache.resolve("pytorch"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("libtorch_cpu.so")),
                    "libtorch unpacked under ENGINE_CACHE_DIR/pytorch");
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Run(p.exitValue(), out);
    }
}
