package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.emm.core.data.ImageSet;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A run trained on a thread other than the one that loaded the engine, as the trainer-service trains
 * on a worker thread. libtorch's grad mode is per thread and on there; before the run switched it
 * off itself, the loss it accumulates for progress reports took part in autograd and kept every
 * step's graph, and the small blocks of those graphs, left among each step's freed activations,
 * made the C heap grow every step (the trainer reached 18 GB in the default run). Here that leak
 * grew the C heap by 64 MiB from the 2nd to the 6th snapshot (160 steps), and a correct run by 5 MiB.
 */
class WorkerThreadTrainingTest {

    private static final int STEPS = 240;
    private static final int BATCH = 16;
    private static final long SNAPSHOT_EVERY_IMAGES = 40L * BATCH;
    private static final long GROWTH_LIMIT_BYTES = 24L << 20;

    @Test
    void aRunOnAWorkerThreadRecordsNoAutogradOutsideItsStepsAndItsNativeHeapStaysFlat() throws Exception {
        DjlRuntime.engine();
        ImageSet images = Mnist.first(BATCH, 8);
        ModelSpec model = new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2), 1, List.of(), 0.0,
                EmbeddingType.POSITIONAL, null);
        TrainingSpec training = new TrainingSpec(PreconditioningType.EDM, 2e-3, 0L, BATCH, null, null, null, 0.0,
                null, 0.0, 0L, DurationUnit.STEPS, (long) STEPS, SNAPSHOT_EVERY_IMAGES, SNAPSHOT_EVERY_IMAGES);
        List<Long> footprints = new ArrayList<>();
        List<Boolean> gradModeAtSnapshots = new ArrayList<>();
        boolean[] gradModeBeforeAndAfter = new boolean[2];
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture.runAsync(() -> {
                gradModeBeforeAndAfter[0] = JniUtils.isGradMode();
                try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                        new TrainingRun.Options(Device.cpu(), 0))) {
                    run.run(new TrainingListener() {
                        @Override
                        public void snapshot(int index, byte[] modelBytes) {
                            gradModeAtSnapshots.add(JniUtils.isGradMode());
                            footprints.add(NativeHeap.footprintBytes());
                        }
                    });
                }
                gradModeBeforeAndAfter[1] = JniUtils.isGradMode();
            }, worker).get();
        } finally {
            worker.shutdown();
        }
        StringBuilder trace = new StringBuilder();
        for (int i = 0; i < footprints.size(); i++) {
            trace.append(String.format("snapshot %d: C heap %.1f MiB%n", i + 1, footprints.get(i) / 1048576.0));
        }
        long growth = footprints.get(footprints.size() - 1) - footprints.get(1);
        System.out.printf("%sgrowth from snapshot 2 to %d: %+.1f MiB%n", trace, footprints.size(), growth / 1048576.0);

        assertTrue(gradModeBeforeAndAfter[0], "grad mode is on on a thread that did not load the engine");
        assertEquals(List.of(false, false, false, false, false, false), gradModeAtSnapshots,
                "grad mode between steps");
        assertTrue(gradModeBeforeAndAfter[1], "the run restores its thread's grad mode");
        assertTrue(growth < GROWTH_LIMIT_BYTES, "C heap grew by " + growth + " bytes\n" + trace);
    }
}
