package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The multi-tensor Adam/EMA (one TorchScript call per step) and the per-parameter fallback (DJL's
 * fused Adam with torch's bias correction) train the same: equal losses to float rounding.
 */
class OptimizerPathsTest {

    @AfterEach
    void restore() {
        System.clearProperty("emm.djl.foreach");
    }

    private static List<Double> losses(boolean foreach) {
        System.setProperty("emm.djl.foreach", Boolean.toString(foreach));
        ImageSet images = Mnist.first(10, 8);
        List<Double> losses = new ArrayList<>();
        try (TrainingRun run = new TrainingRun(TrainingRunResumeTest.tinyModel(), TrainingRunResumeTest.spec(12, null, null),
                images, images.labels(), 10, null, new TrainingRun.Options(Device.cpu(), 0))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    losses.add(p.loss());
                }
            });
        }
        return losses;
    }

    @Test
    void foreachAndPerParameterUpdatesAgree() {
        List<Double> a = losses(true);
        List<Double> b = losses(false);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i), a.get(i), 1e-4 * Math.abs(b.get(i)), "step " + (i + 1));
        }
    }
}
