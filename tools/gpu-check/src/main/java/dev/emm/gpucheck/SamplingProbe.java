package dev.emm.gpucheck;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.sampling.EdmHeunSampler;
import dev.emm.core.spec.SamplingSpec;
import dev.emm.djl.NetworkDenoiser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * EMM's production sampling on one device: a snapshot loaded as the sampler-service loads it
 * ({@link NetworkDenoiser}), EDM's Heun sampler ({@link EdmHeunSampler}, float64 state in Java, one
 * float32 network call per evaluation), the throughput after one warm-up batch, and the first
 * images as a netpbm grid (PGM for one channel, PPM for three; any image viewer opens them).
 */
final class SamplingProbe {

    record Result(Device device, int count, int batch, int numSteps, double imagesPerSecond, long checksum,
                  Path grid) {
    }

    private static final int GRID_COLUMNS = 8;

    private SamplingProbe() {
    }

    static Result measure(byte[] snapshot, SamplingSpec preset, int count, int batch, int channels, int resolution,
                          Device device, Path grid) throws IOException {
        try (NetworkDenoiser denoiser = new NetworkDenoiser(snapshot, device)) {
            new EdmHeunSampler(spec(preset, Math.min(batch, count), batch, 12345))
                    .sampleAll(denoiser, channels, resolution, done -> { });
            long start = System.nanoTime();
            ImageSet images = new EdmHeunSampler(spec(preset, count, batch, 0))
                    .sampleAll(denoiser, channels, resolution, done -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            long checksum = 0;
            for (byte b : images.pixels()) {
                checksum += b & 0xFF;
            }
            writeGrid(images, Math.min(count, 2 * GRID_COLUMNS), grid);
            return new Result(device, count, batch, preset.numSteps(), count / seconds, checksum, grid);
        }
    }

    static SamplingSpec spec(SamplingSpec p, int count, int batch, long firstSeed) {
        return new SamplingSpec(count, firstSeed, p.numSteps(), p.sigmaMin(), p.sigmaMax(), p.rho(), p.churn(),
                p.churnSigmaMin(), p.churnSigmaMax(), p.noiseScale(), batch);
    }

    /** The first {@code n} images in rows of {@value #GRID_COLUMNS}, binary netpbm (P5 or P6). */
    static void writeGrid(ImageSet images, int n, Path file) throws IOException {
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        int columns = Math.min(n, GRID_COLUMNS);
        int rows = (n + columns - 1) / columns;
        int width = columns * w;
        int height = rows * h;
        byte[] raster = new byte[width * height * c];
        byte[] pixels = images.pixels();
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int x0 = (i % columns) * w;
            int y0 = (i / columns) * h;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        // ImageSet is channel-planar (C, H, W); netpbm interleaves the channels.
                        raster[((y0 + y) * width + x0 + x) * c + k] = pixels[i * c * plane + k * plane + y * w + x];
                    }
                }
            }
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(((c == 1 ? "P5" : "P6") + "\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII));
            out.write(raster);
        }
    }
}
