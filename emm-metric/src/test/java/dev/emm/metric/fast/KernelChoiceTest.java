package dev.emm.metric.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.metric.fast.FastNearestNeighbours.Kernel;
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
