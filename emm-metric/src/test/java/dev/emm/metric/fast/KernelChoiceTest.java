package dev.emm.metric.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.metric.fast.FastNearestNeighbours.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelChoiceTest {

    @Test
    void measuresBothProductsOnceAndTakesTheFaster() {
        KernelChoice choice = KernelChoice.on(Device.cpu());
        System.out.printf("kernel choice on this machine: %s%n", choice);
        assertTrue(choice.float32Rate() > 0.1, "float32 rate " + choice.float32Rate());
        // the CPU engine has _int_mm (FastNearestNeighboursTest), so it was measured too
        assertTrue(choice.int8Rate() > 0, "int8 rate " + choice.int8Rate());
        assertEquals(KernelChoice.faster(choice.int8Rate(), choice.float32Rate()), choice.kernel());
        assertSame(choice, KernelChoice.on(Device.cpu()), "cached for the process");
    }

    @Test
    void theFasterProductWinsAndInt8OnATie() {
        assertEquals(Kernel.FLOAT32, KernelChoice.faster(1.5, 73.8));
        assertEquals(Kernel.INT8, KernelChoice.faster(595, 105.7));
        assertEquals(Kernel.INT8, KernelChoice.faster(50, 50));
        assertEquals(Kernel.FLOAT32, KernelChoice.faster(0, 1));
    }

    @Test
    void theSmallShapeRulesInt8OutOnlyWhenItIsHopeless() {
        // AVX2-only EPYC: int8 0.2 to 1.5 G/s against float32 74 to 76 GFLOP/s
        assertTrue(KernelChoice.int8RuledOut(1.5, 73.8));
        assertTrue(KernelChoice.int8RuledOut(0.2, 75.5));
        // AVX-512 VNNI EPYC under load: 32.1 against 64.5 on the small shape, 595 G/s in the scan
        assertFalse(KernelChoice.int8RuledOut(32.1, 64.5));
        assertFalse(KernelChoice.int8RuledOut(595, 105.7));
    }

    @Test
    void aProcessorWithInt8DotProductsGetsTheInt8Kernel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains("avx512_vnni"),
                "no AVX-512 VNNI on this processor");
        KernelChoice choice = KernelChoice.on(Device.cpu());
        assertEquals(Kernel.INT8, choice.kernel(), choice.toString());
        assertTrue(choice.int8Rate() > 2 * choice.float32Rate(), choice.toString());
    }

    @Test
    void theDefaultOptionsRunTheChosenKernel() {
        Random random = new Random(5);
        byte[] training = new byte[40 * 48];
        byte[] samples = new byte[9 * 48];
        random.nextBytes(training);
        random.nextBytes(samples);
        FastNearestNeighbours.Result result = FastNearestNeighbours.compute(
                new ImageSet(1, 1, 48, 1, new int[9], samples), new ImageSet(1, 1, 48, 1, new int[40], training),
                FastNearestNeighbours.Options.defaults());
        assertEquals(KernelChoice.on(Device.cpu()).kernel(), result.kernel());
    }
}
