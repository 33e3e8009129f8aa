package dev.emm.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emm bench train|sample|metric}: ours against PyTorch eager on this machine, alternately,
 * several rounds. Runs the driver of the emm-bench module in its own JVM (it starts a fresh JVM per
 * measurement of ours and a python3 process per measurement of the reference), so the CLI itself
 * carries no engine. The last line of the output is the JSON {"bench","ours","reference","unit","ratio"}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Side-by-side benchmark against PyTorch eager (Debian's python3-torch, installed with apt-get "
                + "when missing, with OpenBLAS): runs ours and the reference alternately, several rounds after "
                + "warm-up, prints median, min, max and peak RSS, and as its last line the JSON "
                + "{\"bench\",\"ours\",\"reference\",\"unit\",\"ratio\"} (ratio > 1: ours is faster).",
                "See docs/BENCHMARKS.md."})
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "train|sample|metric", description = "what to measure")
    String bench;

    @Option(names = "--preset", description = "spec preset for train and sample (default small-ddpmpp-mnist)")
    String preset;

    @Option(names = "--quick", description = "fewer steps, samples, rounds and a smaller metric problem")
    boolean quick;

    @Option(names = "--batch", description = "batch size (train, sample) instead of the preset's")
    Integer batch;

    @Option(names = "--rounds", description = "measurements per side (default 3, --quick 2)")
    Integer rounds;

    @Option(names = "--threads", description = "intra-op threads of each side (default: all cores)")
    Integer threads;

    @Option(names = "--samples", description = "metric: generated samples (default 10000)")
    Integer samples;

    @Option(names = "--training", description = "metric: training images (default 50000)")
    Integer training;

    @Option(names = "--dimension", description = "metric: values per image (default 3072)")
    Integer dimension;

    @Option(names = "--steps", description = "train: timed optimizer steps")
    Integer steps;

    @Option(names = "--python", description = "python interpreter with torch (default /usr/bin/python3)")
    String python;

    @Option(names = "--no-setup", description = "do not check or install python3-torch and OpenBLAS")
    boolean noSetup;

    @Option(names = "--option", paramLabel = "NAME=VALUE",
            description = "any further driver option, e.g. --option reference-ops=edm or --option omp-wait=default")
    List<String> extra = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!List.of("train", "sample", "metric").contains(bench)) {
            throw new CliException("unknown bench '" + bench + "': train, sample or metric");
        }
        Path root = EmmHome.root();
        Path jar = root.resolve("emm-bench/target/emm-bench.jar");
        if (!Files.isRegularFile(jar)) {
            throw new CliException("the bench is not built (" + jar + " is missing): run 'mvn -B -pl emm-bench -am "
                    + "install -DskipTests' in " + root);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Demm.home=" + root);
        command.add("-cp");
        command.add(jar + File.pathSeparator + root.resolve("emm-bench/target/lib") + File.separator + "*");
        command.add("dev.emm.bench.BenchMain");
        command.add(bench);
        add(command, "--preset", preset);
        add(command, "--batch", batch);
        add(command, "--rounds", rounds);
        add(command, "--threads", threads);
        add(command, "--samples", samples);
        add(command, "--training", training);
        add(command, "--dimension", dimension);
        add(command, "--steps", steps);
        add(command, "--python", python);
        if (quick) {
            command.add("--quick");
        }
        if (noSetup) {
            command.add("--no-setup");
        }
        for (String e : extra) {
            int eq = e.indexOf('=');
            command.add("--" + (eq < 0 ? e : e.substring(0, eq)));
            if (eq >= 0) {
                command.add(e.substring(eq + 1));
            }
        }
        Process process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor();
    }

    private static void add(List<String> command, String option, Object value) {
        if (value != null) {
            command.add(option);
            command.add(value.toString());
        }
    }
}
