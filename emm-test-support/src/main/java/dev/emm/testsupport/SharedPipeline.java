package dev.emm.testsupport;

import dev.emm.cli.EmmHome;
import dev.emm.cli.LocalPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One local pipeline (broker, store, service JVMs) per test JVM, closed when the JVM exits. Each
 * module's tests run in their own JVM: the orchestrator's start all four services, a service's own
 * tests only that service (its module is built before the others).
 */
public final class SharedPipeline {

    private static LocalPipeline pipeline;
    private static List<String> started;

    private SharedPipeline() {
    }

    /** The whole pipeline: broker, store and the four services. */
    public static LocalPipeline get() {
        return with(EmmHome.SERVICES);
    }

    /** The broker, the store and these services; the first call in the JVM decides what runs. */
    public static synchronized LocalPipeline with(String... services) {
        if (pipeline == null) {
            try {
                Path directory = Files.createTempDirectory("emm-e2e-");
                started = List.of(services);
                pipeline = LocalPipeline.start(directory, System.err, started);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "emm-e2e-shutdown"));
        } else if (!started.containsAll(List.of(services))) {
            throw new IllegalStateException("this JVM's pipeline runs " + started + ", not " + List.of(services));
        }
        return pipeline;
    }
}
