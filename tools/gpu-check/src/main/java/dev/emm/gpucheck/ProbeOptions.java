package dev.emm.gpucheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The probe's command line; see {@link GpuProbe} for what each part measures. */
record ProbeOptions(
        Path out,
        List<String> presets,
        List<String> cpuPresets,
        int warmup,
        int steps,
        int cpuSteps,
        Integer batch,
        int cpuBatch,
        int compareBatch,
        int samples,
        int cpuSamples,
        int sampleBatch,
        Integer modelChannels,
        Integer numSteps,
        String python,
        boolean reference,
        Path home,
        boolean requireCuda,
        long seed) {

    static final String USAGE = """
            usage: GpuProbe [--out DIR] [--presets a,b] [--cpu-presets a,b] [--warmup W] [--steps N]
                            [--cpu-steps N] [--batch B] [--cpu-batch B] [--compare-batch B] [--samples S]
                            [--cpu-samples S] [--sample-batch B] [--model-channels C] [--heun-steps K]
                            [--python PY] [--no-reference] [--home REPO] [--require-cuda] [--seed S]""";

    static ProbeOptions parse(String[] args) {
        Path out = Path.of("gpu-check-out");
        List<String> presets = List.of("small-ddpmpp-mnist", "paper-ddpmpp-vp");
        List<String> cpuPresets = List.of("small-ddpmpp-mnist");
        int warmup = 3;
        int steps = 20;
        int cpuSteps = 5;
        Integer batch = null;
        int cpuBatch = 64;
        int compareBatch = 4;
        int samples = 512;
        int cpuSamples = 16;
        int sampleBatch = 256;
        Integer modelChannels = null;
        Integer numSteps = null;
        String python = "python3";
        boolean reference = true;
        Path home = Path.of(System.getProperty("emm.home", "."));
        boolean requireCuda = false;
        long seed = 0;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                case "--no-reference" -> reference = false;
                case "--require-cuda" -> requireCuda = true;
                default -> {
                    if (i + 1 >= rest.size()) {
                        throw new IllegalArgumentException("unknown option or missing value: " + a + "\n" + USAGE);
                    }
                    String v = rest.get(++i);
                    switch (a) {
                        case "--out" -> out = Path.of(v);
                        case "--presets" -> presets = list(v);
                        case "--cpu-presets" -> cpuPresets = v.isBlank() ? List.of() : list(v);
                        case "--warmup" -> warmup = positive(a, v);
                        case "--steps" -> steps = positive(a, v);
                        case "--cpu-steps" -> cpuSteps = positive(a, v);
                        case "--batch" -> batch = positive(a, v);
                        case "--cpu-batch" -> cpuBatch = positive(a, v);
                        case "--compare-batch" -> compareBatch = positive(a, v);
                        case "--samples" -> samples = positive(a, v);
                        case "--cpu-samples" -> cpuSamples = positive(a, v);
                        case "--sample-batch" -> sampleBatch = positive(a, v);
                        case "--model-channels" -> modelChannels = positive(a, v);
                        case "--heun-steps" -> numSteps = positive(a, v);
                        case "--python" -> python = v;
                        case "--home" -> home = Path.of(v);
                        case "--seed" -> seed = Long.parseLong(v);
                        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                    }
                }
            }
        }
        return new ProbeOptions(out, presets, cpuPresets, warmup, steps, cpuSteps, batch, cpuBatch, compareBatch,
                samples, cpuSamples, sampleBatch, modelChannels, numSteps, python, reference,
                home.toAbsolutePath().normalize(), requireCuda, seed);
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int positive(String option, String value) {
        try {
            int v = Integer.parseInt(value);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive integer, got '" + value + "'");
    }
}
