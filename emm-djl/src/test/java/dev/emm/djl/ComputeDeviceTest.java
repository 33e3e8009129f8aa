package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.emm.djl.ComputeDevice.Policy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** EMM_DEVICE against what an engine offers, and against the CPU-only libtorch of this build. */
class ComputeDeviceTest {

    @Test
    void parsesTheThreeValuesAndDefaultsToAuto() {
        assertEquals(Policy.AUTO, Policy.parse(null));
        assertEquals(Policy.AUTO, Policy.parse(" "));
        assertEquals(Policy.CPU, Policy.parse("cpu"));
        assertEquals(Policy.GPU, Policy.parse(" GPU "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Policy.parse("cuda"));
        assertEquals("EMM_DEVICE must be auto, cpu or gpu, not 'cuda'", bad.getMessage());
    }

    @Test
    void autoTakesTheGpuOnlyWhenACudaBuildSeesOne() {
        assertEquals(Optional.of(Device.gpu(0)), ComputeDevice.resolve(Policy.AUTO, 2, true, "PyTorch 2.7.1").device());
        assertEquals(Optional.of(Device.cpu()), ComputeDevice.resolve(Policy.AUTO, 0, true, "PyTorch 2.7.1").device());
        assertEquals(Optional.of(Device.cpu()), ComputeDevice.resolve(Policy.AUTO, 1, false, "PyTorch 2.7.1").device());
        assertEquals(Optional.of(Device.cpu()), ComputeDevice.resolve(Policy.CPU, 1, true, "PyTorch 2.7.1").device());
    }

    @Test
    void gpuWithoutCudaHasNoDeviceAndSaysWhy() {
        ComputeDevice noGpu = ComputeDevice.resolve(Policy.GPU, 0, true, "PyTorch 2.7.1");
        assertEquals("none", noGpu.inUse());
        assertEquals("EMM_DEVICE=gpu but CUDA is not available: PyTorch 2.7.1 is a CUDA build but sees no GPU"
                + " (driver, device plugin or NVIDIA_VISIBLE_DEVICES)", noGpu.problem().orElseThrow());
        ComputeDevice cpuBuild = ComputeDevice.resolve(Policy.GPU, 1, false, "PyTorch 2.7.1");
        IllegalStateException e = assertThrows(IllegalStateException.class, cpuBuild::require);
        assertEquals("EMM_DEVICE=gpu but CUDA is not available: PyTorch 2.7.1 is a CPU-only build of libtorch",
                e.getMessage());
        assertEquals("gpu", ComputeDevice.resolve(Policy.GPU, 1, true, "PyTorch 2.7.1").inUse());
    }

    /** This build bundles the CPU-only libtorch: gpu must refuse it, auto and cpu compute on the CPU. */
    @Test
    void theBundledCpuEngineRefusesGpuAndServesCpuAndAuto() {
        String before = System.getProperty(ComputeDevice.PROPERTY);
        try {
            System.setProperty(ComputeDevice.PROPERTY, "gpu");
            ComputeDevice gpu = DjlRuntime.computeDevice();
            assertTrue(gpu.problem().orElseThrow().endsWith("is a CPU-only build of libtorch"), gpu.toString());
            IllegalStateException refused = assertThrows(IllegalStateException.class, DjlRuntime::defaultDevice);
            assertTrue(refused.getMessage().startsWith("EMM_DEVICE=gpu but CUDA is not available: PyTorch 2.7.1"),
                    refused.getMessage());
            for (String cpuOrAuto : new String[] {"cpu", "auto"}) {
                System.setProperty(ComputeDevice.PROPERTY, cpuOrAuto);
                assertEquals(Device.cpu(), DjlRuntime.defaultDevice(), cpuOrAuto);
            }
            System.setProperty(ComputeDevice.PROPERTY, "tpu");
            assertThrows(IllegalArgumentException.class, DjlRuntime::computeDevice);
        } finally {
            if (before == null) {
                System.clearProperty(ComputeDevice.PROPERTY);
            } else {
                System.setProperty(ComputeDevice.PROPERTY, before);
            }
        }
    }
}
