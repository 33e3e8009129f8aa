package dev.emm.cli;

import dev.emm.core.data.ImageSet;
import dev.emm.core.report.PngImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generated samples in the files EDM's and DiffMemorize's tools read: one PNG per sample, laid out
 * as EDM's generate.py writes them ({@code DIR/000000/000012.png}, a folder per thousand, 8-bit
 * grayscale or RGB), which {@code fid.py} and DiffMemorize's {@code mem_ratio.py --image_path} take;
 * and an NPZ with {@code arr_0} uint8 [N, H, W, C] (the layout of {@code np.savez(path, images)}, as
 * guided-diffusion's evaluator reads it) and {@code labels} int64 [N], the class each sample was
 * conditioned on (0 when unconditional).
 */
final class SampleImages {

    private SampleImages() {
    }

    static void writePngs(ImageSet samples, Path directory) throws IOException {
        if (samples.channels() != 1 && samples.channels() != 3) {
            throw new CliException("PNG export needs 1 or 3 channels, the samples have " + samples.channels());
        }
        for (int i = 0; i < samples.size(); i++) {
            Path folder = directory.resolve(String.format("%06d", i - i % 1000));
            Files.createDirectories(folder);
            Path file = folder.resolve(String.format("%06d.png", i));
            Files.write(file, PngImages.png(samples, i));
        }
    }

    static void writeNpz(ImageSet samples, OutputStream target) throws IOException {
        int n = samples.size();
        int c = samples.channels();
        int h = samples.height();
        int w = samples.width();
        byte[] chw = samples.pixels();
        byte[] hwc = new byte[chw.length];
        int d = c * h * w;
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    hwc[i * d + p * c + ch] = chw[i * d + ch * h * w + p];
                }
            }
        }
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = samples.label(i);
        }
        try (NumpyArchive npz = new NumpyArchive(target)) {
            npz.add("arr_0", new long[] {n, h, w, c}, hwc);
            npz.add("labels", new long[] {n}, labels);
        }
    }
}
