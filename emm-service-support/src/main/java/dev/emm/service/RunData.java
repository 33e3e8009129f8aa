package dev.emm.service;

import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectNotFoundException;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads datasets and run subsets from the object store. A run's training subset is materialized
 * once from the registered dataset and stored under the run, so the metric compares against
 * exactly the images the run trained on.
 */
@ApplicationScoped
public class RunData {

    @Inject
    ObjectStore store;

    private final Map<String, ImageSet> datasets = new ConcurrentHashMap<>();

    public ImageSet dataset(String name) {
        return datasets.computeIfAbsent(name, this::loadDataset);
    }

    private ImageSet loadDataset(String name) {
        if (!store.exists(StorageLayout.datasetManifest(name))) {
            throw new IllegalArgumentException("dataset '" + name + "' is not registered");
        }
        return readImageSet(StorageLayout.datasetImages(name));
    }

    /** The run's training subset, materializing and storing it on first use. */
    public TrainingSubset trainingSubset(RunRef run) {
        String key = StorageLayout.runTrainingSubset(run.experimentId(), run.runId());
        int labelDim = TrainingSubset.labelDim(run.spec().data(), run.size());
        if (store.exists(key)) {
            return new TrainingSubset(readImageSet(key), labelDim);
        }
        TrainingSubset subset = TrainingSubset.materialize(dataset(run.spec().data().dataset()), run.spec().data(),
                run.size());
        store.put(key, ImageSetCodec.toBytes(subset.images()));
        return subset;
    }

    public ImageSet readImageSet(String key) {
        try (InputStream in = store.open(key)) {
            return ImageSetCodec.read(in);
        } catch (ObjectNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read images at " + key + ": " + e.getMessage(), e);
        }
    }
}
