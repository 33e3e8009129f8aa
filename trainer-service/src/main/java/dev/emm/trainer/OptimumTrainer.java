package dev.emm.trainer;

import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.events.SnapshotSaved;
import dev.emm.core.storage.StorageLayout;
import dev.emm.service.RunData;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * "Training" the closed-form optimal denoiser is recording its training subset: that subset is the
 * run's single snapshot (number 1).
 */
@ApplicationScoped
public class OptimumTrainer {

    @Inject
    ObjectStore store;

    @Inject
    RunData runData;

    /** Returns the run's snapshots; {@code trained} is false when they were already stored. */
    public record Outcome(List<SnapshotSaved> snapshots, boolean trained) {
    }

    public Outcome train(RunRef run) {
        String key = StorageLayout.snapshotModel(run.experimentId(), run.runId(), 1);
        boolean alreadyStored = store.exists(key);
        if (!alreadyStored) {
            TrainingSubset subset = runData.trainingSubset(run);
            store.put(key, ImageSetCodec.toBytes(subset.images()));
        }
        return new Outcome(List.of(SnapshotSaved.of(run, 1, true, key)), !alreadyStored);
    }
}
