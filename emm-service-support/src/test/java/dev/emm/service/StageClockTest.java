package dev.emm.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.events.StageTime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class StageClockTest {

    @Test
    void aBusyThreadsCpuSecondsAreCountedInTheProcessTime() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StageClock clock = StageClock.start();
        long threadStart = threads.getCurrentThreadCpuTime();
        double sink = 0;
        while (threads.getCurrentThreadCpuTime() - threadStart < 200_000_000L) {
            for (int i = 0; i < 10_000; i++) {
                sink += Math.sqrt(i + sink);
            }
        }
        StageTime spent = clock.elapsed();
        assertTrue(sink > 0);
        assertTrue(spent.cpuSeconds() >= 0.2, "this thread alone spent 0.2 CPU s: " + spent);
        assertTrue(spent.wallSeconds() >= 0.2, "0.2 CPU s on one thread take at least 0.2 s: " + spent);
        assertTrue(spent.wallSeconds() < 60, "seconds, not nanoseconds: " + spent);
    }
}
