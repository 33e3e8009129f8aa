package dev.emm.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium}, headless, as the report tests use it: a page's DOM after load with every
 * console message the page produced, and a screenshot. Where no chromium is installed a test using
 * it is skipped with a message, except under {@code CI=true} (CI installs it: .ci/run), where it fails.
 */
public final class HeadlessChromium {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path executable;

    private HeadlessChromium(Path executable) {
        this.executable = executable;
    }

    /** The page as Chromium rendered it: the serialized DOM, and the console's messages (one per line). */
    public record Page(String dom, List<String> console) {
    }

    public static HeadlessChromium require() {
        Optional<Path> found = onPath("chromium");
        if (found.isEmpty()) {
            String message = "chromium is not installed (Debian: apt-get install chromium), so the report is not "
                    + "checked in a browser";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; under CI=true that is a failure (.ci/run installs it)");
            }
            Assumptions.abort(message);
        }
        return new HeadlessChromium(found.get());
    }

    public Page load(Path html) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("emm-chromium-");
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("log.txt");
        run(work, dom, log, "--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString());
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        return new Page(Files.readString(dom, StandardCharsets.UTF_8), console);
    }

    public void screenshot(Path html, Path png, int width, int height) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("emm-chromium-");
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(work, work.resolve("out.txt"), work.resolve("log.txt"), "--hide-scrollbars",
                "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), html.toUri().toString());
        if (!Files.isRegularFile(png)) {
            fail("chromium wrote no screenshot; its log:\n" + Files.readString(work.resolve("log.txt")));
        }
    }

    private void run(Path work, Path stdout, Path stderr, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--user-data-dir=" + work.resolve("profile")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        if (process.exitValue() != 0) {
            fail("chromium exited with " + process.exitValue() + "; its log:\n" + Files.readString(stderr));
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
