package dev.emm.core;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bundled MNIST set, read once per test JVM. */
public final class TestData {

    private static ImageSet mnist;

    private TestData() {
    }

    public static synchronized ImageSet mnist() {
        if (mnist == null) {
            try (InputStream in = TestData.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
                mnist = ImageSetCodec.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return mnist;
    }
}
