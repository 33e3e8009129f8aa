package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GPU images' fast-jar, without Docker: the layout docker/build-images.sh builds with the Maven
 * profile gpu, started as a process the way the image starts it, with DJL told to find libtorch by
 * PYTORCH_VERSION and PYTORCH_FLAVOR in ENGINE_CACHE_DIR. On this CPU-only machine the flavor is cpu
 * and the cache holds the CPU libtorch under the name DJL's download gives it
 * (2.7.1-cpu-linux-x86_64), so the same lookup runs as for cu128 in the image.
 *
 * <p>Cost: one nested Maven build of trainer-service and its modules (offline, no tests; about 1.5
 * minutes on the 2-core build machine) and two service starts (about 15 s each).
 */
class GpuImageLayoutTest {

    private static final String CPU_JAR = "ai.djl.pytorch.pytorch-native-cpu-2.7.1-linux-x86_64.jar";

    private static Path work;
    private static Path engineCache;

    @BeforeAll
    static void unpackTheCpuLibtorchWhereTheGpuImageKeepsItsDownload() throws Exception {
        work = Files.createTempDirectory("emm-gpu-layout");
        Path libMain = Repo.root().resolve("trainer-service/target/quarkus-app/lib/main");
        assertTrue(Files.isDirectory(libMain), libMain + " is missing: build the services first");
        Path unpacked = work.resolve("unpacked");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", libMain + "/*", Repo.root().resolve("docker/DjlWarmup.java").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("warmup.log").toFile());
        pb.environment().put("ENGINE_CACHE_DIR", unpacked.toString());
        Process warmup = pb.start();
        warmup.getOutputStream().close();
        assertTrue(warmup.waitFor(3, TimeUnit.MINUTES) && warmup.exitValue() == 0,
                Files.readString(work.resolve("warmup.log")));
        engineCache = work.resolve("engines");
        Path target = Files.createDirectories(engineCache.resolve("pytorch")).resolve("2.7.1-cpu-linux-x86_64");
        try (Stream<Path> dirs = Files.list(unpacked.resolve("pytorch"))) {
            Files.move(dirs.filter(Files::isDirectory).findFirst().orElseThrow(), target);
        }
        assertTrue(Files.isRegularFile(target.resolve("libtorch.so")));
    }

    @AfterAll
    static void deleteWork() {
        if (work != null) {
            Charts.deleteTree(work);
        }
    }

    /** The env of Dockerfile.gpu's runtime stage, with the cpu flavor and no broker or store. */
    private static Map<String, String> gpuImageEnv() {
        return Map.of("ENGINE_CACHE_DIR", engineCache.toString(), "PYTORCH_VERSION", "2.7.1",
                "PYTORCH_FLAVOR", "cpu", "EMM_DEVICE", "auto",
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "EMM_STORE_ENDPOINT", "http://127.0.0.1:9",
                "EMM_STORE_ACCESS_KEY", "unused", "EMM_STORE_SECRET_KEY", "unused");
    }

    /** What the GPU image used to do: delete the CPU jar after the build. The index still names it. */
    @Test
    void aJarDeletedAfterTheBuildBreaksTheEngineLookup() throws Exception {
        Path app = work.resolve("deleted-after-build");
        copyTree(Repo.root().resolve("trainer-service/target/quarkus-app"), app, CPU_JAR);
        assertTrue(indexNames(app, CPU_JAR), "the fast-jar index lists the CPU jar");
        try (ServiceProcess p = ServiceProcess.start(app, work.resolve("run-deleted"), gpuImageEnv(), "-Dai.djl.offline=true")) {
            Integer exit = p.awaitExit(Duration.ofMinutes(3));
            assertNotNull(exit, "started although the index names a missing jar:\n" + p.log());
            assertNotEquals(0, exit);
            assertTrue(p.log().contains("NoSuchFileException") && p.log().contains(CPU_JAR), p.log());
            assertTrue(p.log().contains("Failed to load PyTorch native library"), p.log());
        }
    }

    /** The fix: the profile gpu removes the jar at build time, and the engine is found by version and flavor. */
    @Test
    void theGpuProfileLayoutFindsItsEngineByVersionAndFlavor() throws Exception {
        Path app = Repo.root().resolve("trainer-service/target/quarkus-app-gpu");
        runMaven(List.of("-B", "-o", "-q", "-Dmaven.test.skip=true", "-Pgpu",
                "-Dquarkus.package.output-directory=quarkus-app-gpu", "-pl", "trainer-service", "-am", "package"));
        try (Stream<Path> jars = Files.list(app.resolve("lib/main"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.contains("pytorch-native-cpu")), names.toString());
            assertTrue(names.contains("ai.djl.pytorch.pytorch-engine-0.36.0.jar"), names.toString());
            assertTrue(names.contains("ai.djl.pytorch.pytorch-jni-2.7.1-0.36.0.jar"), names.toString());
        }
        assertFalse(indexNames(app, "pytorch-native-cpu"), "the index does not name the CPU jar");
        assertTrue(indexNames(app, "ai.djl.pytorch.pytorch-engine-0.36.0.jar"), "the index names the engine jar");

        Path run = work.resolve("run-gpu-profile");
        try (ServiceProcess p = ServiceProcess.start(app, run, gpuImageEnv(), "-Dai.djl.offline=true")) {
            assertTrue(p.awaitStatus("/q/health/live", 200, Duration.ofMinutes(3)), p.log());
            String gauge = p.get("/q/metrics").body().lines().filter(l -> l.startsWith("emm_compute_device{"))
                    .findFirst().orElse(null);
            assertEquals("emm_compute_device{device=\"cpu\",requested=\"auto\"} 1.0", gauge, p.log());
            assertTrue(p.log().contains("Uses override PYTORCH_FLAVOR: cpu"), p.log());
            assertTrue(p.log().contains("DJL engine PyTorch 2.7.1"), p.log());
        }
        assertFalse(Files.exists(run.resolve("djl/pytorch")), "nothing unpacked: libtorch came from ENGINE_CACHE_DIR");
    }

    /** Whether Quarkus' class-path index (quarkus/quarkus-application.dat) contains the name. */
    private static boolean indexNames(Path app, String name) throws IOException {
        byte[] index = Files.readAllBytes(app.resolve("quarkus/quarkus-application.dat"));
        return new String(index, StandardCharsets.ISO_8859_1).contains(name);
    }

    private static void copyTree(Path from, Path to, String skipName) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(skipName)) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void runMaven(List<String> args) throws Exception {
        String home = System.getProperty("maven.home");
        List<String> command = new ArrayList<>();
        command.add(home != null && !home.isBlank() ? Path.of(home, "bin", "mvn").toString() : "mvn");
        String repo = System.getProperty("emm.maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        command.addAll(args);
        Path log = work.resolve("maven.log");
        Process p = new ProcessBuilder(command).directory(Repo.root().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "maven timed out");
        assertEquals(0, p.exitValue(), Files.readString(log));
    }
}
