package dev.emm.bench;

import dev.emm.metric.fast.FastNearestNeighbours;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** The driver's command line; {@code ./emm bench} passes its arguments through unparsed. */
@Command(name = "emm bench", sortOptions = false,
        description = {"Side-by-side benchmark against PyTorch eager (Debian's python3-torch, installed with apt-get "
                + "when missing, with OpenBLAS): runs ours and the reference alternately, several rounds after "
                + "warm-up, prints median, min, max and peak RSS, and as its last line the JSON "
                + "{\"bench\",\"ours\",\"reference\",\"unit\",\"ratio\"} (ratio > 1: ours is faster).",
                "See docs/BENCHMARKS.md."})
final class BenchOptions {

    @Parameters(index = "0", paramLabel = "train|sample|metric", converter = BenchName.class,
            description = "what to measure")
    String bench;

    @Option(names = "--preset", description = "train, sample: spec preset (default small-ddpmpp-mnist)")
    String preset;

    @Option(names = "--quick", description = "fewer steps, samples, rounds and a smaller metric problem")
    boolean quick;

    @Option(names = "--batch", converter = Positive.class,
            description = "train, sample: batch size instead of the preset's")
    Integer batch;

    @Option(names = "--rounds", converter = Positive.class, description = "measurements per side (default 3, --quick 2)")
    Integer rounds;

    @Option(names = "--steps", converter = Positive.class,
            description = "train: timed optimizer steps (default 20, --quick 5)")
    Integer steps;

    @Option(names = "--warmup", converter = Positive.class,
            description = "train: untimed steps before them (default " + TRAIN_WARMUP_STEPS + ")")
    Integer warmup;

    /**
     * Untimed training steps before the timed ones, with or without --quick. The JVM is still compiling
     * (100 to 200 methods/s) for the first seconds of a worker; after 2 steps the quick bench measured
     * 0.71 of the reference, after 30 to 100 steps 0.79 to 0.98 (docs/BENCHMARKS.md), and a run trains
     * thousands of steps, so the timed window starts after the warm-up.
     */
    static final int TRAIN_WARMUP_STEPS = 30;

    @Option(names = "--dataset-size", converter = Positive.class,
            description = "train: training images (default max(1024, 4 x batch))")
    Integer datasetSize;

    @Option(names = "--sample-count", converter = Positive.class,
            description = "sample: samples to generate (default one batch with --quick, else up to two)")
    Integer sampleCount;

    @Option(names = "--resolution", converter = Positive.class,
            description = "train, sample: image size instead of the preset's (its attention follows)")
    Integer resolution;

    @Option(names = "--channels", converter = Positive.class,
            description = "train, sample: image channels instead of the preset dataset's")
    Integer channels;

    @Option(names = "--model-channels", converter = Positive.class,
            description = "train, sample: the network's base channels instead of the preset's")
    Integer modelChannels;

    @Option(names = "--samples", converter = Positive.class,
            description = "metric: generated samples (default 10000, --quick 2000)")
    Integer samples;

    @Option(names = "--training", converter = Positive.class,
            description = "metric: training images (default 50000, --quick 10000)")
    Integer training;

    @Option(names = "--dimension", converter = Positive.class, description = "metric: values per image (default 3072)")
    Integer dimension;

    @Option(names = "--kernel", paramLabel = "INT8|FLOAT32",
            description = "metric: this kernel instead of the one measured faster")
    FastNearestNeighbours.Kernel kernel;

    @Option(names = "--threads", converter = Positive.class,
            description = "intra-op threads of each side (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shards", converter = Positive.class,
            description = "train: shards ours splits each step's batch into, each on threads / shards intra-op "
                    + "threads (1 or 2; default 2 when --threads is at least 2, as the local trainer does)")
    Integer shards;

    @Option(names = "--python", description = "python interpreter with torch (default /usr/bin/python3)")
    String python = "/usr/bin/python3";

    @Option(names = "--no-setup", description = "do not check or install python3-torch and OpenBLAS")
    boolean noSetup;

    @Option(names = "--plain-malloc", description = "glibc's default malloc settings on both sides (no MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or MALLOC_ARENA_MAX)")
    boolean plainMalloc;

    @Option(names = "--omp-wait", converter = UpperCase.class, paramLabel = "PASSIVE|ACTIVE|DEFAULT",
            description = "OMP_WAIT_POLICY of both sides (default PASSIVE; DEFAULT leaves it unset)")
    String ompWait = "PASSIVE";

    @Option(names = "--reference-ops", converter = LowerCase.class, paramLabel = "fused|edm",
            description = "the reference's resampling: fused (default) or EDM's literal ops")
    String referenceOps = "fused";

    Path home;

    /** The shards ours splits a training step into: {@code --shards}, else 2 where there are 2 threads. */
    int trainShards() {
        int s = shards != null ? shards : threads >= 2 ? 2 : 1;
        if (s > 2) {
            throw new CommandLine.ParameterException(commandLine(), "--shards must be 1 or 2, got " + s);
        }
        return s;
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
    boolean help;

    @Option(names = "--home", defaultValue = "${sys:emm.home:-.}",
            description = "the repository, where emm-bench/reference is (default: system property emm.home)")
    void home(Path dir) {
        home = dir.toAbsolutePath().normalize();
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchOptions()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Throws {@link CommandLine.ParameterException} on a bad command line. */
    static BenchOptions parse(String... args) {
        CommandLine commandLine = commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int v = Integer.parseInt(value);
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("a positive integer is needed, not '" + value + "'");
        }
    }

    static final class BenchName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!List.of("train", "sample", "metric").contains(value)) {
                throw new TypeConversionException("unknown bench '" + value + "': train, sample or metric");
            }
            return value;
        }
    }

    static final class UpperCase implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value.toUpperCase(Locale.ROOT);
        }
    }

    static final class LowerCase implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return value.toLowerCase(Locale.ROOT);
        }
    }
}
