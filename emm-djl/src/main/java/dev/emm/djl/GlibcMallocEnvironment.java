package dev.emm.djl;

import java.util.HashMap;
import java.util.Map;

/**
 * The glibc malloc settings a process that runs libtorch should start with. glibc reads them once,
 * at process start, so a launcher puts them in the child's environment; the container images and
 * the Helm chart set the same values (docs/BENCHMARKS.md, "Native memory").
 *
 * <ul>
 * <li>{@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TRIM_THRESHOLD_}: without them libtorch's large
 * freed activation blocks go back to the OS and fault in again on every step.
 * <li>{@code MALLOC_ARENA_MAX=1}: every Java thread that calls into libtorch otherwise allocates from
 * its own arena, and glibc unmaps an arena heap (64 MiB) as soon as it is empty, whatever the trim
 * threshold says, so the next step faults all of it in again. One arena keeps every block in the
 * main heap, where the two thresholds above apply. A trainer that splits its step into shards
 * ({@link ShardedGradients}) keeps glibc's own limit (8 arenas per core) instead: in one arena the
 * shards take turns at its lock for every allocation (628 img/s against 1,020 with an arena each in
 * the train bench, docs/BENCHMARKS.md, "Two shards"), and a limit of one arena per shard is not
 * enough in a service, whose dozens of threads take the second arena before the shard thread
 * starts: in the trainer-service with {@code MALLOC_ARENA_MAX=2} both shards queued at the main
 * arena's lock (16,000 futex calls a second each) and an 8-channel network trained 2.6 times slower
 * than in one shard. Under glibc's limit the shard thread, created when training starts, gets an
 * arena of its own.
 * </ul>
 */
public final class GlibcMallocEnvironment {

    private static final Map<String, String> VARIABLES = Map.of(
            "MALLOC_MMAP_THRESHOLD_", "33554432",
            "MALLOC_TRIM_THRESHOLD_", "1073741824",
            "MALLOC_ARENA_MAX", "1");

    private GlibcMallocEnvironment() {
    }

    /** Variable name to value; put them in a child process's environment before it starts. */
    public static Map<String, String> variables() {
        return VARIABLES;
    }

    /**
     * The variables for a process whose training steps run in {@code shards} threads: for more than
     * one, the thresholds without the arena limit.
     */
    public static Map<String, String> variables(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be positive, got " + shards);
        }
        if (shards == 1) {
            return VARIABLES;
        }
        Map<String, String> variables = new HashMap<>(VARIABLES);
        variables.remove("MALLOC_ARENA_MAX");
        return Map.copyOf(variables);
    }
}
