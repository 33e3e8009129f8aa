package dev.emm.service;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.IntraClassMix;
import dev.emm.core.data.TrainingSubset;
import dev.emm.core.events.RunRef;
import dev.emm.core.json.Json;
import dev.emm.core.metric.MemorizationSummary;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import com.google.common.io.CountingInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads datasets, run subsets and snapshots' metric summaries from the object store. A run's training subset is materialized
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

    /**
     * The registered dataset's images, checked against its manifest: the orchestrator accepted the
     * experiment on the manifest's counts, so images that differ from it fail the run with both
     * objects named rather than train on, or run short of, other data than was accepted.
     */
    public ImageSet dataset(String name) {
        DatasetManifest manifest = manifest(name);
        return datasets.compute(name, (key, loaded) -> loaded != null && loaded.manifest().equals(manifest) ? loaded
                : new Loaded(manifest, checked(name, manifest, readImageSet(StorageLayout.datasetImages(name)))))
                .images();
    }

    private static ImageSet checked(String name, DatasetManifest manifest, ImageSet images) {
        manifest.mismatch(images).ifPresent(mismatch -> {
            throw new IllegalArgumentException("dataset '" + name + "': " + StorageLayout.datasetImages(name)
                    + " does not match its manifest " + StorageLayout.datasetManifest(name) + ": " + mismatch);
        });
        return images;
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
        String key = StorageLayout.datasetManifest(name);
        byte[] bytes = store.find(key)
                .orElseThrow(() -> new IllegalArgumentException("dataset '" + name + "' is not registered"));
        try {
            return Json.read(bytes, DatasetManifest.class);
        } catch (Json.MalformedJsonException e) {
            throw new IllegalArgumentException("dataset '" + name + "': its manifest " + key + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The metric summary stored at {@code key} ({@code metric.json}), if any. Bytes that are no
     * summary throw {@link IllegalArgumentException} naming the object and what is wrong, so the run
     * fails with that reason: the record would otherwise come back at every restart and find them again.
     */
    public Optional<MemorizationSummary> storedSummary(String key) {
        return store.find(key).map(bytes -> {
            try {
                return Json.read(bytes, MemorizationSummary.class);
            } catch (Json.MalformedJsonException e) {
                throw new IllegalArgumentException("metric summary " + key + " (" + bytes.length
                        + " bytes) cannot be read: " + e.getMessage(), e);
            }
        });
    }

    /**
     * The images stored at {@code key}. Stored bytes that are no readable EMMDS (truncated, not
     * gzip, another layout) throw {@link IllegalArgumentException} naming the object and what is
     * wrong, so the run fails with that reason: reading them again would give the same answer. A
     * read the store breaks off throws {@link UncheckedIOException}, so the event comes back. The
     * two are told apart by reading the object to its end once the decoder has given up: the bytes
     * themselves are bad only when the store delivered all of them.
     */
    public ImageSet readImageSet(String key) {
        try (CountingInputStream in = new CountingInputStream(store.open(key))) {
            try {
                return ImageSetCodec.read(in);
            } catch (IOException decoding) {
                in.transferTo(OutputStream.nullOutputStream());
                long size = store.size(key);
                if (in.getCount() != size) {
                    throw new UncheckedIOException("cannot read images at " + key + ": the store delivered "
                            + in.getCount() + " of its " + size + " bytes", decoding);
                }
                throw new IllegalArgumentException("images " + key + " (" + size + " bytes) cannot be read: "
                        + decoding.getMessage(), decoding);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read images at " + key + ": " + e.getMessage(), e);
        }
    }
}
