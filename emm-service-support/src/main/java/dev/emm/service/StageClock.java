package dev.emm.service;

import com.sun.management.OperatingSystemMXBean;
import dev.emm.core.events.StageTime;
import java.lang.management.ManagementFactory;

/**
 * Measures a stage's {@link StageTime} from its start: wall-clock time, and the CPU time of this
 * process (every thread, the engine's native ones included), which is the stage's because each
 * service works on one run's stage at a time.
 */
public final class StageClock {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long startNanos;
    private final long startCpuNanos;

    private StageClock() {
        this.startNanos = System.nanoTime();
        this.startCpuNanos = OS.getProcessCpuTime();
    }

    public static StageClock start() {
        return new StageClock();
    }

    public StageTime elapsed() {
        return new StageTime((System.nanoTime() - startNanos) / 1e9,
                Math.max(0, OS.getProcessCpuTime() - startCpuNanos) / 1e9);
    }
}
