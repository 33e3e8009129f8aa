package dev.emm.bench.probe;

import dev.emm.djl.GlibcMallocEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Contention between a trainer and a sampler on one machine (issue 12): runs {@link ContentionWorker}
 * processes side by side in each configuration, rounds alternating configurations (A B C A B C),
 * and after the workers are warm measures over one window, per process: training steps/s or samples/s,
 * user and system CPU ({@code /proc/PID/stat}), context switches of all its threads
 * ({@code /proc/PID/task/}*{@code /status}) and futex calls ({@code perf stat -e
 * syscalls:sys_enter_futex}, when perf can count it), with the load average and the machine's idle
 * share over the same window. Prints one line per measurement and the medians per configuration.
 *
 * <pre>
 * args: windowSeconds rounds config...
 * config: processes[:modifier...]   processes: t2+s2, t1+s1, t2 (trainer alone), s2 (sampler alone), ...
 *   (t = trainer, s = sampler, the number = its EMM_TORCH_THREADS)
 * modifiers: active (OMP_WAIT_POLICY unset: libgomp's default spinning), spinN (GOMP_SPINCOUNT=N),
 *   niceN (the sampler under nice -n N), pin (each process on its own cores, in order, by taskset),
 *   batchN (the trainer's batch size instead of the preset's 64; the default run's |D| = 16 trains at 16)
 * e.g. 20 3 t2+s2 t2+s1 t1+s1 t2+s2:nice10 t2 t2:batch16 s2
 * </pre>
 *
 * Run it as the other probes: {@code java -cp emm-bench/target/emm-bench.jar:emm-bench/target/lib/*
 * dev.emm.bench.probe.ThreadPlanProbe 20 3 t2+s2 t1+s1}.
 */
public final class ThreadPlanProbe {

    static final int EVALUATIONS_PER_SAMPLE = 35;
    private static final double TICKS = 100.0;

    private ThreadPlanProbe() {
    }

    /** One process of a configuration: a trainer or a sampler with its thread count. */
    record Side(String kind, int threads) {
        String label() {
            return kind.charAt(0) + Integer.toString(threads);
        }
    }

    record Config(String name, List<Side> sides, Map<String, String> env, boolean waitPolicyUnset, int samplerNice,
            boolean pin) {

        static Config parse(String text) {
            String[] parts = text.split(":");
            List<Side> sides = new ArrayList<>();
            for (String p : parts[0].split("\\+")) {
                String kind = switch (p.charAt(0)) {
                    case 't' -> "train";
                    case 's' -> "sample";
                    default -> throw new IllegalArgumentException("t<threads> or s<threads>, not " + p);
                };
                sides.add(new Side(kind, Integer.parseInt(p.substring(1))));
            }
            Map<String, String> env = new LinkedHashMap<>();
            boolean unset = false;
            int nice = 0;
            boolean pin = false;
            for (int i = 1; i < parts.length; i++) {
                String m = parts[i];
                if (m.equals("active")) {
                    unset = true;
                } else if (m.startsWith("spin")) {
                    env.put("GOMP_SPINCOUNT", m.substring(4));
                } else if (m.startsWith("nice")) {
                    nice = Integer.parseInt(m.substring(4));
                } else if (m.startsWith("batch")) {
                    env.put(ContentionWorker.BATCH_ENV, m.substring(5));
                } else if (m.equals("pin")) {
                    pin = true;
                } else {
                    throw new IllegalArgumentException("unknown modifier " + m);
                }
            }
            return new Config(text, sides, env, unset, nice, pin);
        }
    }

    /** What one process did over the window. */
    record Measure(Side side, double rate, double cpuPercent, double sysPercent, double contextSwitches,
            double futexCalls) {
        double perUnit(double total) {
            return rate > 0 ? total / rate : Double.NaN;
        }

        double sysShare() {
            return cpuPercent > 0 ? sysPercent / cpuPercent : Double.NaN;
        }
    }

    record Round(Config config, String load, double machineIdlePercent, List<Measure> measures) {
    }

    public static void main(String[] args) throws Exception {
        double window = Double.parseDouble(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Config> configs = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            configs.add(Config.parse(args[i]));
        }
        System.out.printf(Locale.ROOT, "%s; %d processors for this JVM; window %.0f s, %d rounds%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), window, rounds);
        List<Round> all = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (Config c : configs) {
                Round round = measure(c, window);
                all.add(round);
                System.out.println("round " + r + "  " + describe(round));
            }
        }
        System.out.println();
        System.out.println("medians per configuration (per step: per training step; per sample: per generated sample)");
        for (Config c : configs) {
            List<Round> mine = all.stream().filter(x -> x.config() == c).toList();
            System.out.println(summary(c, mine));
        }
    }

    static String describe(Round round) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-18s load %s  machine idle %4.1f%%",
                round.config().name(), round.load(), round.machineIdlePercent()));
        for (Measure m : round.measures()) {
            s.append(String.format(Locale.ROOT, "  | %s %7.2f %s cpu %5.1f%% sys %5.1f%% (share %4.2f) cpu ms/%s %6.1f sys ms/%s %5.1f cs/%s %7.1f futex/%s %8.1f",
                    m.side().label(), m.rate(), unit(m.side()), m.cpuPercent(), m.sysPercent(), m.sysShare(),
                    unitName(m.side()), m.perUnit(m.cpuPercent() * 10), unitName(m.side()), m.perUnit(m.sysPercent() * 10),
                    unitName(m.side()), m.perUnit(m.contextSwitches()), unitName(m.side()), m.perUnit(m.futexCalls())));
        }
        return s.toString();
    }

    static String summary(Config c, List<Round> rounds) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-18s machine idle %4.1f%%", c.name(),
                median(rounds.stream().mapToDouble(Round::machineIdlePercent).toArray())));
        for (int i = 0; i < c.sides().size(); i++) {
            int k = i;
            List<Measure> ms = rounds.stream().map(r -> r.measures().get(k)).toList();
            Side side = c.sides().get(i);
            s.append(String.format(Locale.ROOT,
                    "  | %s %7.2f %s (%s) cpu %5.1f%% sys %5.1f%% share %4.2f cpu ms/%s %6.1f sys ms/%s %5.1f cs/%s %7.1f futex/%s %8.1f",
                    side.label(), median(ms.stream().mapToDouble(Measure::rate).toArray()), unit(side),
                    String.join(" ", ms.stream().map(m -> String.format(Locale.ROOT, "%.2f", m.rate())).toList()),
                    median(ms.stream().mapToDouble(Measure::cpuPercent).toArray()),
                    median(ms.stream().mapToDouble(Measure::sysPercent).toArray()),
                    median(ms.stream().mapToDouble(Measure::sysShare).toArray()), unitName(side),
                    median(ms.stream().mapToDouble(m -> m.perUnit(m.cpuPercent() * 10)).toArray()), unitName(side),
                    median(ms.stream().mapToDouble(m -> m.perUnit(m.sysPercent() * 10)).toArray()), unitName(side),
                    median(ms.stream().mapToDouble(m -> m.perUnit(m.contextSwitches())).toArray()), unitName(side),
                    median(ms.stream().mapToDouble(m -> m.perUnit(m.futexCalls())).toArray())));
        }
        s.append("  | loads ").append(String.join(", ", rounds.stream().map(Round::load).toList()));
        return s.toString();
    }

    private static String unit(Side side) {
        return side.kind().equals("train") ? "steps/s" : "samples/s";
    }

    private static String unitName(Side side) {
        return side.kind().equals("train") ? "step" : "sample";
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** A running worker: its process and the last count it printed. */
    private record Worker(Side side, Process process, AtomicLong count, CountDownLatch ready) {
    }

    static Round measure(Config config, double window) throws Exception {
        String load = loadAverage();
        List<Worker> workers = new ArrayList<>();
        int nextCpu = 0;
        try {
            for (Side side : config.sides()) {
                List<String> command = new ArrayList<>();
                if (config.pin()) {
                    command.addAll(List.of("taskset", "-c", nextCpu + "-" + (nextCpu + side.threads() - 1)));
                    nextCpu += side.threads();
                }
                if (side.kind().equals("sample") && config.samplerNice() != 0) {
                    command.addAll(List.of("nice", "-n", Integer.toString(config.samplerNice())));
                }
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                // the services' JVM options (emm-cli ServiceProcess)
                command.addAll(List.of("-XX:+UseSerialGC", "-Xmx2g", "-Dai.djl.offline=true", "-cp",
                        System.getProperty("java.class.path"), ContentionWorker.class.getName(), side.kind()));
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
                Map<String, String> env = pb.environment();
                env.put("EMM_TORCH_THREADS", Integer.toString(side.threads()));
                env.putAll(GlibcMallocEnvironment.variables());
                env.remove("OMP_WAIT_POLICY");
                env.remove("GOMP_SPINCOUNT");
                if (!config.waitPolicyUnset()) {
                    env.put("OMP_WAIT_POLICY", "PASSIVE");
                }
                env.putAll(config.env());
                Process process = pb.start();
                // a driver stopped by a signal runs no finally block: its workers must not outlive it
                Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
                Worker w = new Worker(side, process, new AtomicLong(-1), new CountDownLatch(1));
                Thread reader = new Thread(() -> read(w), "read-" + side.label());
                reader.setDaemon(true);
                reader.start();
                workers.add(w);
            }
            for (Worker w : workers) {
                if (!w.ready().await(300, TimeUnit.SECONDS) || !w.process().isAlive()) {
                    throw new IllegalStateException(w.side().label() + " did not get ready");
                }
            }
            Thread.sleep(2000);
            List<Process> perfs = new ArrayList<>();
            List<Path> perfOutputs = new ArrayList<>();
            long[] ticks0 = new long[workers.size()];
            long[] sys0 = new long[workers.size()];
            long[] cs0 = new long[workers.size()];
            long[] n0 = new long[workers.size()];
            long[] machine0 = machineTicks();
            long t0 = System.nanoTime();
            for (int i = 0; i < workers.size(); i++) {
                Worker w = workers.get(i);
                long[] stat = cpuTicks(w.process().pid());
                ticks0[i] = stat[0] + stat[1];
                sys0[i] = stat[1];
                cs0[i] = contextSwitches(w.process().pid());
                n0[i] = w.count().get();
                Path out = Files.createTempFile("perf-", ".csv");
                perfOutputs.add(out);
                perfs.add(startPerf(w.process().pid(), window, out));
            }
            Thread.sleep(Math.round(window * 1000));
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] machine1 = machineTicks();
            List<Measure> measures = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                Worker w = workers.get(i);
                long[] stat = cpuTicks(w.process().pid());
                long cs = contextSwitches(w.process().pid());
                double units = w.count().get() - n0[i];
                if (w.side().kind().equals("sample")) {
                    units /= EVALUATIONS_PER_SAMPLE;
                }
                measures.add(new Measure(w.side(), units / seconds,
                        (stat[0] + stat[1] - ticks0[i]) / TICKS / seconds * 100, (stat[1] - sys0[i]) / TICKS / seconds * 100,
                        (cs - cs0[i]) / seconds, -1));
            }
            for (int i = 0; i < perfs.size(); i++) {
                double futex = perfCount(perfs.get(i), perfOutputs.get(i));
                Measure m = measures.get(i);
                measures.set(i, new Measure(m.side(), m.rate(), m.cpuPercent(), m.sysPercent(), m.contextSwitches(),
                        futex < 0 ? Double.NaN : futex / seconds));
            }
            long idle = (machine1[1] - machine0[1]);
            long total = (machine1[0] - machine0[0]);
            return new Round(config, load, total > 0 ? 100.0 * idle / total : Double.NaN, measures);
        } finally {
            for (Worker w : workers) {
                w.process().destroyForcibly();
                w.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void read(Worker w) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(w.process().getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("ready")) {
                    w.ready().countDown();
                } else if (line.startsWith("n ")) {
                    w.count().set(Long.parseLong(line.substring(2).trim()));
                }
            }
        } catch (IOException e) {
            // the worker was killed
        }
    }

    private static Process startPerf(long pid, double window, Path out) {
        try {
            return new ProcessBuilder("perf", "stat", "-x", ",", "-e", "syscalls:sys_enter_futex", "-p",
                    Long.toString(pid), "--", "sleep", String.format(Locale.ROOT, "%.1f", window))
                    .redirectError(out.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
    }

    /** The futex calls perf counted, or -1 when perf could not count them. */
    private static double perfCount(Process perf, Path out) throws Exception {
        if (perf == null) {
            return -1;
        }
        perf.waitFor(60, TimeUnit.SECONDS);
        try {
            for (String line : Files.readAllLines(out)) {
                String[] f = line.split(",");
                if (f.length > 2 && f[2].equals("syscalls:sys_enter_futex")) {
                    return Double.parseDouble(f[0]);
                }
            }
            return -1;
        } catch (NumberFormatException e) {
            return -1;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** utime and stime of the process, all its threads, in clock ticks. */
    static long[] cpuTicks(long pid) {
        String stat = readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime field 14, stime field 15
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    /** Voluntary and involuntary context switches of all threads of the process. */
    static long contextSwitches(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sum;
    }

    /** All and idle jiffies of the machine ({@code /proc/stat}'s cpu line). */
    static long[] machineTicks() {
        String[] f = readString(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal (guest time is inside user already)
        for (int i = 1; i <= 8 && i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    }

    static String loadAverage() {
        String[] f = readString(Path.of("/proc/loadavg")).trim().split(" ");
        return f[0];
    }

    private static String cpuModel() {
        return readString(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }

    private static String readString(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
