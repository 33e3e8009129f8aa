package dev.emm.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.storage.StorageLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreLayoutAuditTest {

    private static final String EXPERIMENT = "faults-3-0a1b2c3d";
    private static final String RUN = EXPERIMENT + "-n10-s0";

    /** Every key StorageLayout writes for a finished network experiment with one cancelled queued run, and a sweep. */
    private static List<String> finishedExperiment() {
        List<String> keys = new ArrayList<>(List.of(
                StorageLayout.datasetManifest("mnist"),
                StorageLayout.datasetImages("mnist"),
                StorageLayout.orchestratorLease(),
                StorageLayout.sweepState("sweep-1a2b3c4d"),
                StorageLayout.experimentState(EXPERIMENT),
                StorageLayout.experimentResult(EXPERIMENT),
                StorageLayout.experimentUnreadableState(EXPERIMENT),
                StorageLayout.runTrainingSubset(EXPERIMENT, RUN),
                StorageLayout.runCheckpoint(EXPERIMENT, RUN),
                StorageLayout.runLease(EXPERIMENT, RUN),
                StorageLayout.runTrainingLog(EXPERIMENT, RUN),
                StorageLayout.runCancelled(EXPERIMENT, EXPERIMENT + "-n20-s0")));
        for (int snapshot = 1; snapshot <= 2; snapshot++) {
            keys.add(StorageLayout.snapshotModel(EXPERIMENT, RUN, snapshot));
            keys.add(StorageLayout.snapshotSamples(EXPERIMENT, RUN, snapshot));
            keys.add(StorageLayout.snapshotDistances(EXPERIMENT, RUN, snapshot));
            keys.add(StorageLayout.snapshotMetric(EXPERIMENT, RUN, snapshot));
        }
        return keys;
    }

    @Test
    void everyKeyOfTheLayoutIsExplained() {
        assertEquals(List.of(), StoreLayoutAudit.unexplained(finishedExperiment()));
    }

    @Test
    void strayAndOrphanedKeysAreNamedWithTheirReason() {
        List<String> keys = finishedExperiment();
        keys.addAll(List.of(
                "experiments/" + EXPERIMENT + "/state.json.tmp",
                "experiments/" + EXPERIMENT + "/runs/" + RUN + "/snapshots/000003/samples.emmds.gz",
                "experiments/" + EXPERIMENT + "/runs/other-7-n10-s0/lease.json",
                "experiments/gone-1/runs/gone-1-n10-s0/checkpoint.bin",
                "experiments/gone-1/result.json",
                "datasets/mnist/images.emmds.gz.part",
                "sweeps/sweep-1a2b3c4d/sweep.json.tmp",
                "scratch.bin"));
        keys.add(StorageLayout.snapshotModel("lost-2", "lost-2-n40-s0", 1));
        keys.add(StorageLayout.experimentState("lost-2"));

        List<StoreLayoutAudit.Unexplained> unexplained = StoreLayoutAudit.unexplained(keys);

        assertEquals(List.of(
                "datasets/mnist/images.emmds.gz.part (not a key of the documented layout)",
                "experiments/" + EXPERIMENT + "/runs/" + RUN + "/snapshots/000003/samples.emmds.gz (its snapshot has no model.bin)",
                "experiments/" + EXPERIMENT + "/runs/other-7-n10-s0/lease.json (run other-7-n10-s0 is not a run of experiment "
                        + EXPERIMENT + ")",
                "experiments/" + EXPERIMENT + "/state.json.tmp (not a key of the documented layout)",
                "experiments/gone-1/result.json (experiment gone-1 has no state.json)",
                "experiments/gone-1/runs/gone-1-n10-s0/checkpoint.bin (experiment gone-1 has no state.json)",
                "experiments/lost-2/runs/lost-2-n40-s0/snapshots/000001/model.bin (its run has no training subset)",
                "scratch.bin (not a key of the documented layout)",
                "sweeps/sweep-1a2b3c4d/sweep.json.tmp (not a key of the documented layout)"),
                unexplained.stream().map(Object::toString).toList());
    }
}
