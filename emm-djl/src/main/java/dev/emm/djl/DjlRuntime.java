package dev.emm.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.pytorch.jni.JniUtils;
import java.lang.System.Logger.Level;

/**
 * Starts DJL's PyTorch engine once per process with deliberate thread settings and picks the
 * device that EMM_DEVICE asks for ({@link ComputeDevice}).
 *
 * <p>Threads: intra-op threads default to the number of processors the JVM may use (set
 * {@code EMM_TORCH_THREADS} or {@code -Dai.djl.pytorch.num_threads} to override); inter-op threads
 * default to 1, since a training step is one sequential chain of ops. Both must be set before the
 * engine starts, which is why every EMM entry point goes through {@link #engine()}.
 *
 * <p>Memory: native arrays are freed when closed, not by the GC. Start the JVM with
 * {@link GlibcMallocEnvironment}'s variables (glibc reads them at start): without them freed
 * activation blocks go back to the OS and fault in again on every step.
 */
public final class DjlRuntime {

    private static final System.Logger LOG = System.getLogger(DjlRuntime.class.getName());
    private static volatile Engine engine;

    private DjlRuntime() {
    }

    /** The PyTorch engine, started on first use with EMM's thread settings. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlRuntime.class) {
                e = engine;
                if (e == null) {
                    configureThreads();
                    e = Engine.getEngine("PyTorch");
                    LOG.log(Level.INFO, "DJL engine {0} {1}, {2} GPU(s), intra-op threads {3}, inter-op threads {4}",
                            e.getEngineName(), e.getVersion(), e.getGpuCount(),
                            System.getProperty("ai.djl.pytorch.num_threads"),
                            System.getProperty("ai.djl.pytorch.num_interop_threads"));
                    warnIfTf32Allowed(e);
                    engine = e;
                }
            }
        }
        return e;
    }

    /**
     * The device EMM_DEVICE asks for (see {@link ComputeDevice}); fails with the reason when it is
     * {@code gpu} and libtorch cannot use CUDA, rather than computing on the CPU unnoticed.
     */
    public static Device defaultDevice() {
        return computeDevice().require();
    }

    /** EMM_DEVICE resolved against the engine; an invalid EMM_DEVICE fails here, naming it. */
    public static ComputeDevice computeDevice() {
        ComputeDevice.Policy policy = ComputeDevice.Policy.configured();
        Engine e = engine();
        return ComputeDevice.resolve(policy, e.getGpuCount(), e.hasCapability(StandardCapabilities.CUDA),
                e.getEngineName() + " " + e.getVersion());
    }

    /**
     * The paper trains without TF32. libtorch allows it in cuDNN convolutions by default and DJL has
     * no call to switch it off, so a GPU process must start with NVIDIA_TF32_OVERRIDE=0 (read by cuBLAS
     * and cuDNN themselves); the trainer's launchers set it.
     */
    private static void warnIfTf32Allowed(Engine e) {
        if (e.getGpuCount() > 0 && !"0".equals(System.getenv("NVIDIA_TF32_OVERRIDE"))) {
            LOG.log(Level.WARNING, "NVIDIA_TF32_OVERRIDE is not 0: cuDNN convolutions may use TF32, unlike the "
                    + "paper's float32 training (set NVIDIA_TF32_OVERRIDE=0 in the environment)");
        }
    }

    /**
     * Gives the calling thread the process's intra-op thread count and TorchScript setting, which
     * libtorch keeps per thread and DJL sets only on the thread that loads the engine. A thread
     * that has not run an ATen parallel loop yet still has OpenMP's default team size (every core),
     * and oneDNN sizes its primitives by it; "optimize graphs" is on by default, and a script's
     * executor picks its plan once, for whichever thread first calls it after profiling. Two
     * threads with different settings (a training step's shards) would make the step's rounding
     * depend on which came first.
     */
    public static void applyThreadSettings() {
        engine();
        JniUtils.setNumThreads(Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads")));
        JniUtils.setGraphExecutorOptimize(Boolean.getBoolean("ai.djl.pytorch.graph_optimizer"));
    }

    private static void configureThreads() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            String env = System.getenv("EMM_TORCH_THREADS");
            int threads = env != null && !env.isBlank() ? Integer.parseInt(env.trim())
                    : Runtime.getRuntime().availableProcessors();
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        }
    }
}
