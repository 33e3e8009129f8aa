package dev.emm.djl;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.Resampling;
import dev.emm.core.spec.ResamplingMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The bundled MNIST digits (emm-core resource), first n images, at a power-of-two resolution. */
final class Mnist {

    private static ImageSet all;

    private Mnist() {
    }

    static synchronized ImageSet all() {
        if (all == null) {
            try (InputStream in = Mnist.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
                all = ImageSetCodec.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /** The first n images (source order), padded 28 -> 32 and area-averaged to {@code resolution}. */
    static ImageSet first(int n, int resolution) {
        ImageSet source = all();
        int d = source.dimension();
        ImageSet head = new ImageSet(source.channels(), source.height(), source.width(), source.classCount(),
                Arrays.copyOf(source.labels(), n), Arrays.copyOf(source.pixels(), n * d));
        return Resampling.toResolution(head, resolution, ResamplingMethod.AREA);
    }
}
