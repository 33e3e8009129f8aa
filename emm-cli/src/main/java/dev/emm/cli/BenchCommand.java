package dev.emm.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code emm bench train|sample|metric [options]}: ours against PyTorch eager on this machine,
 * alternately, several rounds. Runs the driver of the emm-bench module in its own JVM (it starts a
 * fresh JVM per measurement of ours and a python3 process per measurement of the reference), so the
 * CLI itself carries no engine. The driver declares and parses the options ({@code emm bench --help}
 * prints them); this command passes every argument through. The last line of the output is the
 * JSON {"bench","ours","reference","unit","ratio"}.
 */
@Command(name = "bench", description = {"Side-by-side benchmark against PyTorch eager: train, sample or metric, "
        + "ours and the reference alternately; the last line is the JSON "
        + "{\"bench\",\"ours\",\"reference\",\"unit\",\"ratio\"} (ratio > 1: ours is faster).",
        "Options: emm bench --help. See docs/BENCHMARKS.md."})
final class BenchCommand implements Callable<Integer> {

    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
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
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor();
    }
}
