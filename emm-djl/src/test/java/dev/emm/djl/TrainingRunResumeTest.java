package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.data.ImageSet;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.TrainingSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A run killed after a checkpoint and resumed from it repeats the uninterrupted run on the CPU:
 * the same per-step losses (1e-5 relative) and the same final weights. Covers VP with dropout,
 * conditioning, weight decay, warm-up and EMA, so every piece of state takes part.
 */
class TrainingRunResumeTest {

    private static final int BATCH = 6;
    private static final int STEPS = 24;
    private static final int CHECKPOINT_AT_STEP = 10;

    static ModelSpec tinyModel() {
        return new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2), 1, List.of(4), 0.1, EmbeddingType.POSITIONAL, null);
    }

    static TrainingSpec spec(long duration, Long snapshotEvery, Long checkpointEvery) {
        return new TrainingSpec(PreconditioningType.VP, 2e-3, 40L, BATCH, 0.9, 0.999, 1e-8, 0.01, 200.0, null, 5L, DurationUnit.STEPS, duration,
                snapshotEvery, checkpointEvery);
    }

    private record Recorded(List<Double> losses, List<Long> steps, List<byte[]> snapshots, List<Integer> indices) {
        Recorded() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private static TrainingListener recorder(Recorded r, AtomicReference<byte[]> checkpoint, TrainingRun[] self) {
        return new TrainingListener() {
            @Override
            public void progress(RunProgress p) {
                r.losses().add(p.loss());
                r.steps().add(p.step());
            }

            @Override
            public void snapshot(int index, byte[] modelBytes) {
                r.indices().add(index);
                r.snapshots().add(modelBytes);
            }

            @Override
            public void checkpoint(byte[] bytes) {
                if (checkpoint != null && checkpoint.get() == null) {
                    checkpoint.set(bytes);
                    self[0].cancel(); // "killed" right after its first checkpoint
                }
            }
        };
    }

    @Test
    void resumedRunRepeatsTheUninterruptedRun() {
        ImageSet images = Mnist.first(10, 8);
        int[] labels = images.labels();
        TrainingRun.Options everyStep = new TrainingRun.Options(Device.cpu(), 0);
        long snapshotEvery = 8L * BATCH;
        long checkpointEvery = (long) CHECKPOINT_AT_STEP * BATCH;

        Recorded full = new Recorded();
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(STEPS, snapshotEvery, checkpointEvery), images, labels,
                10, null, everyStep)) {
            TrainingOutcome outcome = run.run(recorder(full, null, null));
            assertTrue(outcome.completed());
            assertEquals(STEPS, outcome.step());
        }
        assertEquals(STEPS, full.losses().size());
        assertEquals(List.of(1, 2, 3), full.indices(), "snapshots at 8, 16 and 24 steps");

        Recorded killed = new Recorded();
        AtomicReference<byte[]> checkpoint = new AtomicReference<>();
        TrainingRun[] self = new TrainingRun[1];
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(STEPS, snapshotEvery, checkpointEvery), images, labels,
                10, null, everyStep)) {
            self[0] = run;
            TrainingOutcome outcome = run.run(recorder(killed, checkpoint, self));
            assertFalse(outcome.completed());
            assertEquals(CHECKPOINT_AT_STEP, outcome.step());
        }
        assertNotNull(checkpoint.get());
        CheckpointHeader header = TrainingRun.checkpointHeader(checkpoint.get());
        assertEquals(CHECKPOINT_AT_STEP, header.step());
        assertEquals(CHECKPOINT_AT_STEP * BATCH, header.images());
        assertTrue(header.ema());

        Recorded resumed = new Recorded();
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(STEPS, snapshotEvery, checkpointEvery), images, labels,
                10, checkpoint.get(), everyStep)) {
            assertEquals(CHECKPOINT_AT_STEP, run.step());
            assertTrue(run.run(recorder(resumed, null, null)).completed());
        }
        assertEquals(STEPS - CHECKPOINT_AT_STEP, resumed.losses().size());
        for (int i = 0; i < resumed.losses().size(); i++) {
            double expected = full.losses().get(CHECKPOINT_AT_STEP + i);
            double actual = resumed.losses().get(i);
            assertEquals(expected, actual, 1e-5 * Math.abs(expected), "loss at step " + resumed.steps().get(i));
        }
        assertEquals(List.of(2, 3), resumed.indices(), "the resumed run continues the snapshot numbering");
        assertArrayEquals(full.snapshots().get(2), resumed.snapshots().get(1), "final snapshots are identical");
    }

    @Test
    void aCheckpointWrittenBeforeTheScheduleFieldsExistedStillResumes() throws Exception {
        ImageSet images = Mnist.first(10, 8);
        TrainingRun.Options options = new TrainingRun.Options(Device.cpu(), 0);
        AtomicReference<byte[]> checkpoint = new AtomicReference<>();
        TrainingRun[] self = new TrainingRun[1];
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(4, null, 2L * BATCH), images, images.labels(), 10,
                null, options)) {
            self[0] = run;
            run.run(recorder(new Recorded(), checkpoint, self));
        }
        // the same file with the header's training spec as an older version wrote it
        ByteBuffer in = ByteBuffer.wrap(checkpoint.get());
        byte[] prefix = new byte[7];
        in.get(prefix);
        byte[] json = new byte[in.getInt()];
        in.get(json);
        byte[] tensors = new byte[in.remaining() - 4];
        in.get(tensors);
        ObjectNode header = (ObjectNode) Json.mapper().readTree(json);
        ((ObjectNode) header.get("training")).remove(List.of("warmupEpochs", "emaHalfLifeEpochs", "emaMode",
                "finalEma", "truncateToKimg", "dataOrder"));
        byte[] oldJson = Json.mapper().writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(7 + 4 + oldJson.length + tensors.length + 4);
        out.put(prefix).putInt(oldJson.length).put(oldJson).put(tensors);
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        assertFalse(new String(out.array(), StandardCharsets.UTF_8).contains("emaMode"));
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(4, null, 2L * BATCH), images, images.labels(), 10,
                out.array(), options)) {
            assertEquals(2, run.step());
        }
    }

    /** A checkpoint of other data, or with damaged bytes, is unusable, and says why. */
    @Test
    void refusesACheckpointOfOtherDataOrWithDamagedBytes() {
        ImageSet images = Mnist.first(10, 8);
        TrainingRun.Options options = new TrainingRun.Options(Device.cpu(), 0);
        AtomicReference<byte[]> checkpoint = new AtomicReference<>();
        TrainingRun[] self = new TrainingRun[1];
        try (TrainingRun run = new TrainingRun(tinyModel(), spec(4, null, 2L * BATCH), images, images.labels(), 10,
                null, options)) {
            self[0] = run;
            run.run(recorder(new Recorded(), checkpoint, self));
        }
        ImageSet other = Mnist.first(11, 8);
        UnusableCheckpointException otherData = assertThrows(UnusableCheckpointException.class,
                () -> new TrainingRun(tinyModel(), spec(4, null, 2L * BATCH), other, other.labels(), 10,
                        checkpoint.get(), options).close());
        assertTrue(otherData.getMessage().startsWith("checkpoint was trained on other data (size 10, CRC "),
                otherData.getMessage());

        byte[] flipped = checkpoint.get().clone();
        flipped[flipped.length / 2] ^= 0x40;
        byte[] truncated = java.util.Arrays.copyOf(checkpoint.get(), checkpoint.get().length - 1000);
        for (byte[] damaged : List.of(flipped, truncated)) {
            UnusableCheckpointException refused = assertThrows(UnusableCheckpointException.class,
                    () -> new TrainingRun(tinyModel(), spec(4, null, 2L * BATCH), images, images.labels(), 10, damaged,
                            options).close());
            assertEquals("checkpoint is corrupt: CRC-32 mismatch", refused.getMessage());
        }
    }

    @Test
    void plannedSnapshotsMatchTheSchedule() {
        assertEquals(1, TrainingRun.plannedSnapshots(100, 10, null));
        assertEquals(3, TrainingRun.plannedSnapshots(240, 10, 80L));
        assertEquals(4, TrainingRun.plannedSnapshots(250, 10, 80L), "3 periodic and one at the end");
        assertEquals(2, TrainingRun.plannedSnapshots(100, 64, 30L), "batch larger than the interval: one per step");
    }
}
