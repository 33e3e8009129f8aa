package dev.emm.testsupport;

import dev.emm.cli.LocalPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One local pipeline (broker, store, four service JVMs) per test JVM, closed when the JVM exits. */
public final class SharedPipeline {

    private static LocalPipeline pipeline;

    private SharedPipeline() {
    }

    public static synchronized LocalPipeline get() {
        if (pipeline == null) {
            try {
                Path directory = Files.createTempDirectory("emm-e2e-");
                pipeline = LocalPipeline.start(directory, System.err);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "emm-e2e-shutdown"));
        }
        return pipeline;
    }
}
