package dev.emm.djl;

import ai.djl.Device;
import java.util.Locale;
import java.util.Optional;

/**
 * The device this process computes on, as {@code EMM_DEVICE} asks: {@code auto} (the first CUDA GPU
 * when libtorch can use one, else the CPU), {@code cpu}, or {@code gpu} (the first CUDA GPU, and no
 * silent fallback: a pod that holds a GPU but cannot load CUDA must say so, not train on the CPU
 * for days).
 *
 * @param requested what EMM_DEVICE asked for
 * @param device the device in use; empty when {@code gpu} was asked for and CUDA is not available
 * @param problem why the requested device is not available; empty when it is
 */
public record ComputeDevice(Policy requested, Optional<Device> device, Optional<String> problem) {

    /** The environment variable (or system property {@code emm.device}) that chooses the device. */
    public static final String ENV = "EMM_DEVICE";
    public static final String PROPERTY = "emm.device";

    /** The values EMM_DEVICE takes. */
    public enum Policy {
        AUTO, CPU, GPU;

        /** Blank or unset means auto; anything but auto, cpu or gpu is an error naming the variable. */
        public static Policy parse(String value) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + " must be auto, cpu or gpu, not '" + value + "'");
            }
        }

        /** The system property {@code emm.device} if set, else the environment variable EMM_DEVICE. */
        public static Policy configured() {
            String property = System.getProperty(PROPERTY);
            return parse(property != null ? property : System.getenv(ENV));
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Resolves a policy against what the loaded engine offers.
     *
     * @param gpuCount CUDA devices the engine sees
     * @param cudaBuild whether the loaded libtorch was built with CUDA
     * @param engine the engine's name and version, for the reason given when no GPU is usable
     */
    public static ComputeDevice resolve(Policy requested, int gpuCount, boolean cudaBuild, String engine) {
        boolean cuda = gpuCount > 0 && cudaBuild;
        return switch (requested) {
            case CPU -> new ComputeDevice(requested, Optional.of(Device.cpu()), Optional.empty());
            case AUTO -> new ComputeDevice(requested, Optional.of(cuda ? Device.gpu(0) : Device.cpu()),
                    Optional.empty());
            case GPU -> cuda ? new ComputeDevice(requested, Optional.of(Device.gpu(0)), Optional.empty())
                    : new ComputeDevice(requested, Optional.empty(), Optional.of(ENV + "=gpu but CUDA is not available: "
                            + engine + (cudaBuild ? " is a CUDA build but sees no GPU (driver, device plugin"
                                    + " or NVIDIA_VISIBLE_DEVICES)" : " is a CPU-only build of libtorch")));
        };
    }

    /** The device to compute on; fails with the reason when the requested one is not available. */
    public Device require() {
        return device.orElseThrow(() -> new IllegalStateException(problem.orElseThrow()));
    }

    /** "cpu", "gpu", or "none" when the requested GPU is not available. */
    public String inUse() {
        return device.map(d -> d.isGpu() ? "gpu" : "cpu").orElse("none");
    }
}
