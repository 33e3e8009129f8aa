package dev.emm.datasets;

import dev.emm.core.data.ImageSet;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Collects images of one shape in named parts (archive entries) on a temporary disk spool, so that
 * parts met in any archive order are assembled in their canonical order with only the finished
 * dataset in memory: the pixel array is allocated once, at its exact size, when every part is in.
 */
final class PixelSpool implements Closeable {

    private static final int BUFFER = 1 << 16;
    private static final int SLICE = BUFFER / 2;

    private final int dimension;
    private final Path directory;
    private final Map<String, Part> parts = new LinkedHashMap<>();

    PixelSpool(int dimension) throws IOException {
        this.dimension = dimension;
        this.directory = Files.createTempDirectory("emm-import-");
    }

    boolean has(String key) {
        return parts.containsKey(key);
    }

    Part part(String key) throws IOException {
        if (parts.containsKey(key)) {
            throw new IllegalStateException("part " + key + " written twice");
        }
        Part part = new Part(directory.resolve("part-" + parts.size()));
        parts.put(key, part);
        return part;
    }

    /** Concatenates the parts in the given order into one image set. */
    ImageSet assemble(List<String> order, int channels, int height, int width, int classCount) throws IOException {
        long total = 0;
        for (String key : order) {
            total += parts.get(key).count;
        }
        long bytes = total * dimension;
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IOException(total + " images of " + dimension + " bytes exceed the 2 GiB limit of one dataset");
        }
        int[] labels = new int[(int) total];
        byte[] pixels = new byte[(int) bytes];
        int image = 0;
        for (String key : order) {
            Part part = parts.get(key);
            System.arraycopy(part.labels, 0, labels, image, part.count);
            try (InputStream in = Files.newInputStream(part.file)) {
                int offset = image * dimension;
                int length = part.count * dimension;
                if (in.readNBytes(pixels, offset, length) != length) {
                    throw new IOException("spool file " + part.file + " is shorter than written");
                }
            }
            image += part.count;
        }
        return new ImageSet(channels, height, width, classCount, labels, pixels);
    }

    @Override
    public void close() throws IOException {
        for (Part part : parts.values()) {
            part.closeQuietly();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** One part: labels in memory (4 bytes an image), pixels on disk. */
    final class Part implements Closeable {
        private final Path file;
        /** Null once closed: the JDK's channel stream keeps a reference to the last array written to it. */
        private OutputStream out;
        private int[] labels = new int[1024];
        private int count;

        private Part(Path file) throws IOException {
            this.file = file;
            this.out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
        }

        int count() {
            return count;
        }

        /** Appends one image ({@code dimension} bytes from {@code offset}). */
        void add(int label, byte[] pixels, int offset) throws IOException {
            if (count == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            labels[count++] = label;
            out.write(pixels, offset, dimension);
        }

        /** Appends {@code newLabels.length} images stored back to back in {@code pixels}. */
        void addAll(int[] newLabels, byte[] pixels) throws IOException {
            if (pixels.length != (long) newLabels.length * dimension) {
                throw new IllegalArgumentException("pixel count does not match labels");
            }
            if (count + newLabels.length > labels.length) {
                labels = Arrays.copyOf(labels, Math.max(labels.length * 2, count + newLabels.length));
            }
            System.arraycopy(newLabels, 0, labels, count, newLabels.length);
            count += newLabels.length;
            // In slices no larger than the buffer, so the caller's (batch-sized) array is copied, never
            // retained by the stream below.
            for (int offset = 0; offset < pixels.length; offset += SLICE) {
                out.write(pixels, offset, Math.min(SLICE, pixels.length - offset));
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                OutputStream closing = out;
                out = null;
                closing.close();
            }
        }

        private void closeQuietly() {
            try {
                close();
            } catch (IOException ignored) {
                // the spool is being deleted
            }
        }
    }
}
