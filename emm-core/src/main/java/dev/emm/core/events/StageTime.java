package dev.emm.core.events;

/**
 * The time one stage of a run took: wall-clock seconds and the CPU seconds of the service's
 * process over that interval (every thread, native ones included; a service works on one thing
 * at a time, so they are the stage's). On a GPU the device's time is within the wall seconds.
 */
public record StageTime(double wallSeconds, double cpuSeconds) {

    public static final StageTime ZERO = new StageTime(0, 0);

    public StageTime plus(StageTime other) {
        return new StageTime(wallSeconds + other.wallSeconds, cpuSeconds + other.cpuSeconds);
    }

    /** The sum of two times either of which may be unrecorded (null); null when both are. */
    public static StageTime sum(StageTime a, StageTime b) {
        return a == null ? b : b == null ? a : a.plus(b);
    }
}
