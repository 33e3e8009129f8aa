package dev.emm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout and the local run's state live ({@code emm.home}, set by the ./emm launcher). */
public final class EmmHome {

    public static final String[] SERVICES = {"orchestrator", "trainer-service", "sampler-service", "metric-service"};

    private EmmHome() {
    }

    public static Path root() {
        String home = System.getProperty("emm.home", System.getenv("EMM_HOME"));
        return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
    }

    public static Path stateDirectory() {
        String configured = System.getenv("EMM_STATE_DIR");
        return configured == null ? root().resolve(".emm") : Path.of(configured).toAbsolutePath();
    }

    public static Path serviceJar(String service) {
        Path jar = root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CliException("the " + service + " is not built (" + jar + " is missing): run 'mvn -B install "
                    + "-DskipTests' in " + root() + ", or use the ./emm launcher, which builds on first use");
        }
        return jar;
    }
}
