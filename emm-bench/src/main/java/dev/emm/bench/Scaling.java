package dev.emm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How each cost scales: for every bench and axis (|D|, image size, model width, sample count) three
 * or more points, ours and (unless {@code --ours-only}) the reference measured alternately, one
 * measurement each, and the exponent b of cost = a x^b fitted by least squares in log-log space.
 * Cost is seconds per image for train and sample (per sample for the sample-count axis: seconds in
 * all), seconds for the metric.
 *
 * <pre>java -cp ... dev.emm.bench.Scaling [train|sample|metric|all] [--ours-only] [--threads T]</pre>
 */
@Command(name = "scaling", description = "How each cost of ours and of the reference grows with |D|, image size, "
        + "model width and sample count: fitted exponents.")
public final class Scaling implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "all", paramLabel = "train|sample|metric|all",
            description = "which bench's axes (default all)")
    String which;

    @Option(names = "--ours-only", description = "measure ours alone, not the reference")
    boolean oursOnly;

    @Option(names = "--threads", description = "intra-op threads of each side (default: all cores)")
    Integer threads;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
    boolean help;

    /** One axis of one bench: the values of x and the driver options for each. */
    record Axis(String bench, String name, String unit, boolean totalCost, double[] x, String[][] options) {
    }

    static List<Axis> axes() {
        List<Axis> axes = new ArrayList<>();
        String[] train = {"--batch", "64", "--warmup", "2", "--steps", "6"};
        axes.add(new Axis("train", "|D|", "images", false, new double[] {64, 512, 4096},
                withEach(train, "--dataset-size", "64", "512", "4096")));
        axes.add(new Axis("train", "image size", "pixels per side", false, new double[] {8, 16, 32},
                withEach(train, "--resolution", "8", "16", "32")));
        axes.add(new Axis("train", "model width", "base channels", false, new double[] {16, 32, 64},
                withEach(train, "--model-channels", "16", "32", "64")));
        String[] sample = {"--batch", "64", "--sample-count", "64"};
        axes.add(new Axis("sample", "sample count", "samples", true, new double[] {64, 128, 256},
                withEach(new String[] {"--batch", "64"}, "--sample-count", "64", "128", "256")));
        axes.add(new Axis("sample", "image size", "pixels per side", false, new double[] {8, 16, 32},
                withEach(sample, "--resolution", "8", "16", "32")));
        axes.add(new Axis("sample", "model width", "base channels", false, new double[] {16, 32, 64},
                withEach(sample, "--model-channels", "16", "32", "64")));
        // large enough that the fixed costs of ours (JIT warm-up, uploads: about 0.2 s) are small
        axes.add(new Axis("metric", "|D|", "training images", true, new double[] {12_500, 25_000, 50_000},
                withEach(new String[] {"--samples", "2000", "--dimension", "3072"}, "--training", "12500", "25000",
                        "50000")));
        axes.add(new Axis("metric", "sample count", "samples", true, new double[] {2_500, 5_000, 10_000},
                withEach(new String[] {"--training", "10000", "--dimension", "3072"}, "--samples", "2500", "5000",
                        "10000")));
        axes.add(new Axis("metric", "image size", "values per image", true, new double[] {768, 3072, 12_288},
                withEach(new String[] {"--training", "10000", "--samples", "4000"}, "--dimension", "768", "3072",
                        "12288")));
        return axes;
    }

    private static String[][] withEach(String[] base, String option, String... values) {
        String[][] result = new String[values.length][];
        for (int i = 0; i < values.length; i++) {
            String[] o = Arrays.copyOf(base, base.length + 2);
            o[base.length] = option;
            o[base.length + 1] = values[i];
            result[i] = o;
        }
        return result;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Scaling()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> common = new ArrayList<>(List.of("--rounds", "1", "--no-setup"));
        if (threads != null) {
            common.add("--threads");
            common.add(threads.toString());
        }
        PrintStream out = System.out;
        out.println("scaling: one measurement per side and point, ours then reference; load average "
                + BenchMain.loadAverage());
        for (Axis axis : axes()) {
            if (!which.equals("all") && !which.equals(axis.bench())) {
                continue;
            }
            double[] ours = new double[axis.x().length];
            double[] reference = new double[axis.x().length];
            for (int i = 0; i < axis.x().length; i++) {
                List<String> a = new ArrayList<>();
                a.add(axis.bench());
                a.addAll(common);
                a.addAll(Arrays.asList(axis.options()[i]));
                BenchOptions o = BenchOptions.parse(a.toArray(String[]::new));
                Path work = Files.createTempDirectory("emm-scaling-");
                try {
                    ObjectNode config = BenchMain.config(o, work, new PrintStream(PrintStream.nullOutputStream()));
                    ours[i] = cost(axis, config, BenchMain.runOurs(o, config));
                    reference[i] = oursOnly ? Double.NaN : cost(axis, config, BenchMain.runReference(o, config));
                } finally {
                    deleteTree(work);
                }
                out.printf(Locale.ROOT, "  %-6s %-12s x=%-8s ours %.5g s  reference %.5g s%n", axis.bench(), axis.name(),
                        fmt(axis.x()[i]), ours[i], reference[i]);
            }
            out.printf(Locale.ROOT, "%-6s cost vs %-12s (%s; cost = %s): exponent ours %.2f, reference %s%n",
                    axis.bench(), axis.name(), axis.unit(), axis.totalCost() ? "seconds" : "seconds per image",
                    exponent(axis.x(), ours), oursOnly ? "-" : String.format(Locale.ROOT, "%.2f",
                            exponent(axis.x(), reference)));
        }
        return 0;
    }

    private static double cost(Axis axis, ObjectNode config, JsonNode result) {
        double value = result.get("value").asDouble();
        if ("s".equals(result.get("unit").asText())) {
            return value;
        }
        // img/s: seconds per image, or seconds in all for the sample-count axis
        return axis.totalCost() ? result.get("seconds").asDouble() : 1 / value;
    }

    /** Least-squares slope of log(cost) against log(x). */
    static double exponent(double[] x, double[] cost) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(x[i]) / n;
            my += Math.log(cost[i]) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(x[i]) - mx;
            sxy += dx * (Math.log(cost[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
