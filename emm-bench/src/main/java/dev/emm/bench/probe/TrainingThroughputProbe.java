package dev.emm.bench.probe;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.Resampling;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.RunProgress;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Training throughput and memory probe: trains a SongUNet on the first |D| bundled MNIST digits and
 * prints img/s and RSS at every progress report.
 *
 * <pre>
 * args: resolution channels mult(comma) blocks attn(comma or -) batch steps [size] [precond] [dropout]
 * e.g.  16 32 1,2,2 1 - 64 300 64 edm 0
 * </pre>
 */
public final class TrainingThroughputProbe {

    public static void main(String[] args) throws Exception {
        int resolution = Integer.parseInt(args[0]);
        int channels = Integer.parseInt(args[1]);
        List<Integer> mult = Arrays.stream(args[2].split(",")).map(Integer::parseInt).toList();
        int blocks = Integer.parseInt(args[3]);
        List<Integer> attn = args[4].equals("-") ? List.of()
                : Arrays.stream(args[4].split(",")).map(Integer::parseInt).toList();
        int batch = Integer.parseInt(args[5]);
        long steps = Long.parseLong(args[6]);
        int size = args.length > 7 ? Integer.parseInt(args[7]) : 64;
        PreconditioningType precond = args.length > 8
                ? PreconditioningType.valueOf(args[8].toUpperCase(java.util.Locale.ROOT)) : PreconditioningType.EDM;
        double dropout = args.length > 9 ? Double.parseDouble(args[9]) : 0.0;
        long report = Long.getLong("bench.reportMillis", 5000);

        ImageSet images;
        try (InputStream in = TrainingThroughputProbe.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
            ImageSet all = ImageSetCodec.read(in);
            int d = all.dimension();
            images = Resampling.toResolution(new ImageSet(1, 28, 28, 10, Arrays.copyOf(all.labels(), size),
                    Arrays.copyOf(all.pixels(), size * d)), resolution, ResamplingMethod.AREA);
        }
        ModelSpec model = new ModelSpec(ModelKind.DDPMPP, channels, mult, blocks, attn, dropout, EmbeddingType.POSITIONAL, null);
        TrainingSpec training = new TrainingSpec(precond, 2e-3, 0L, batch, 0.9, 0.999, 1e-8, 0.0, null, null, 0L,
                DurationUnit.STEPS, steps, null, null);
        long t0 = System.nanoTime();
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                new TrainingRun.Options(Device.cpu(), report))) {
            System.out.printf("model %s params %d, batch %d, %d steps, threads %s%n", model, run.trainableParameterCount(),
                    batch, run.totalSteps(), System.getProperty("ai.djl.pytorch.num_threads"));
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    long rss = rssKb();
                    long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    long direct = 0;
                    long directCount = 0;
                    for (java.lang.management.BufferPoolMXBean b
                            : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
                        if (b.getName().equals("direct")) {
                            direct = b.getMemoryUsed();
                            directCount = b.getCount();
                        }
                    }
                    long cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                            .getOperatingSystemMXBean()).getProcessCpuTime();
                    System.out.printf("step %6d/%d  loss %.4f  %.1f img/s  RSS %.1f MiB  heap %.1f MiB  direct %d bufs %.2f MiB"
                                    + "  cpu %.1f s%n", p.step(), p.totalSteps(), p.loss(), p.imagesPerSecond(), rss / 1024.0,
                            heap / 1048576.0, directCount, direct / 1048576.0, cpu / 1e9);
                }
            });
        }
        System.out.printf("wall %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
