package dev.emm.service;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.IntraClassMix;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.spec.DataSpec;
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
 * once from the registered dataset (and, for a spec with {@code data.mix}, the second dataset) and
 * stored under the run, so the metric compares against exactly the images the run trained on.
 */
@ApplicationScoped
public class RunData {

    @Inject
    ObjectStore store;

    private record Loaded(DatasetManifest manifest, ImageSet images) {
    }

    /** Loaded datasets by name, with the manifest they were read under: a dataset replaced under its name is read again. */
    private final Map<String, Loaded> datasets = new ConcurrentHashMap<>();

    public ImageSet dataset(String name) {
        DatasetManifest manifest = manifest(name);
        return datasets.compute(name, (key, loaded) -> loaded != null && loaded.manifest().equals(manifest) ? loaded
                : new Loaded(manifest, readImageSet(StorageLayout.datasetImages(name)))).images();
    }

    /** The run's training subset, materializing and storing it on first use. */
    public TrainingSubset trainingSubset(RunRef run) {
        String key = StorageLayout.runTrainingSubset(run.experimentId(), run.runId());
        int labelDim = TrainingSubset.labelDim(run.spec().data(), run.size());
        if (store.exists(key)) {
            return new TrainingSubset(readImageSet(key), labelDim);
        }
        DataSpec data = run.spec().data();
        TrainingSubset subset = TrainingSubset.materialize(dataset(data.dataset()),
                manifest(data.dataset()).classNames(), data.mix() == null ? null : dataset(data.mix().dataset()),
                data.mix() == null ? null : mapping(data), data, run.size());
        store.put(key, ImageSetCodec.toBytes(subset.images()));
        return subset;
    }

    /** How the mix's second dataset stands in for the first's classes: by index, or by the manifests' class names. */
    private IntraClassMix.ClassMapping mapping(DataSpec data) {
        if (!data.mix().byName()) {
            return IntraClassMix.ClassMapping.byIndex();
        }
        return IntraClassMix.mapping(data.mix(), manifest(data.dataset()).classNames(),
                manifest(data.mix().dataset()).classNames());
    }

    public DatasetManifest manifest(String name) {
        return store.find(StorageLayout.datasetManifest(name))
                .map(bytes -> Json.read(bytes, DatasetManifest.class))
                .orElseThrow(() -> new IllegalArgumentException("dataset '" + name + "' is not registered"));
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
