package dev.emm.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registered datasets in the object store ({@code datasets/NAME/images.emmds.gz} and
 * {@code datasets/NAME/manifest.json}, see {@link StorageLayout}). A dataset exists exactly when
 * its manifest exists: registration writes the images first and the manifest last, removes what
 * it wrote when it fails, and replacement removes the old manifest before anything else, so a
 * reader never sees a manifest whose images are incomplete. Objects under a prefix without a
 * manifest are leftovers of a crashed registration; the next registration of that name removes
 * them.
 *
 * <p>Two registrations of one name at the same moment are not serialised (S3 has no create-if-absent
 * here); the CLI and REST layers register one dataset at a time.
 */
public final class DatasetRegistry {

    /** Dataset names, as the experiment spec validator accepts them. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final String ROOT = "datasets/";
    private static final String MANIFEST_SUFFIX = "/manifest.json";

    private final ObjectStore store;
    private final Runnable beforeManifest;

    public DatasetRegistry(ObjectStore store) {
        this(store, () -> { });
    }

    /** For tests: {@code beforeManifest} runs after the images are stored, before the manifest is. */
    DatasetRegistry(ObjectStore store, Runnable beforeManifest) {
        this.store = store;
        this.beforeManifest = beforeManifest;
    }

    /** Throws {@link IllegalArgumentException} naming the rule when {@code name} is not a valid dataset name. */
    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid dataset name '" + name + "': use 1 to 63 lower case letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    public boolean exists(String name) {
        return store.exists(StorageLayout.datasetManifest(validateName(name)));
    }

    /** Throws {@link DatasetExistsException} when {@code name} is taken (and validates it). */
    public void requireFree(String name) {
        if (exists(name)) {
            throw new DatasetExistsException(name);
        }
    }

    /** Registers under a free name; see {@link #register(String, ImportedDataset, boolean)}. */
    public DatasetManifest register(String name, ImportedDataset dataset) throws IOException {
        return register(name, dataset, false);
    }

    /**
     * Stores the images, then the manifest. With {@code replace}, an existing dataset of that name is
     * removed first (manifest first); without it, an existing name fails with
     * {@link DatasetExistsException} and nothing is written. On any failure the objects written
     * under the name are removed before the exception propagates.
     */
    public DatasetManifest register(String name, ImportedDataset dataset, boolean replace) throws IOException {
        validateName(name);
        String manifestKey = StorageLayout.datasetManifest(name);
        if (store.exists(manifestKey)) {
            if (!replace) {
                throw new DatasetExistsException(name);
            }
            store.delete(manifestKey);
        }
        // Invisible leftovers of an earlier crashed registration, or the old images being replaced.
        store.deletePrefix(StorageLayout.datasetPrefix(name));
        DatasetManifest manifest = dataset.manifest(name);
        Path encoded = Files.createTempFile("emm-dataset-", ".emmds.gz");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(encoded), 1 << 16)) {
                ImageSetCodec.write(dataset.images(), out);
            }
            store.put(StorageLayout.datasetImages(name), encoded);
            beforeManifest.run();
            store.put(manifestKey, Json.toBytes(manifest));
            return manifest;
        } catch (IOException | RuntimeException e) {
            removeQuietly(name, e);
            throw e;
        } finally {
            Files.deleteIfExists(encoded);
        }
    }

    /**
     * Imports {@code file} and registers it under {@code name}: the name is checked first, and the
     * store is written only once the whole import has succeeded, so a corrupt input leaves nothing.
     */
    public DatasetManifest importFile(String name, Path file, Optional<String> format, ImportOptions options,
            boolean replace) throws IOException {
        validateName(name);
        if (!replace) {
            requireFree(name);
        }
        ImportedDataset dataset = DatasetImporter.importFile(file, format, options);
        return register(name, dataset, replace);
    }

    /** Names of the registered datasets (those with a manifest), sorted. */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        for (String key : store.list(ROOT)) {
            if (key.endsWith(MANIFEST_SUFFIX)) {
                String name = key.substring(ROOT.length(), key.length() - MANIFEST_SUFFIX.length());
                if (NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** The manifests of every registered dataset, sorted by name. */
    public List<DatasetManifest> manifests() {
        List<DatasetManifest> manifests = new ArrayList<>();
        for (String name : list()) {
            find(name).ifPresent(manifests::add);
        }
        return manifests;
    }

    public Optional<DatasetManifest> find(String name) {
        return store.find(StorageLayout.datasetManifest(validateName(name)))
                .map(bytes -> Json.read(bytes, DatasetManifest.class));
    }

    /** The manifest, or {@link DatasetNotFoundException}. */
    public DatasetManifest manifest(String name) {
        return find(name).orElseThrow(() -> new DatasetNotFoundException(name));
    }

    /**
     * Reads the images, streaming: the dataset itself is the only large allocation. Fails with
     * {@link DatasetNotFoundException} when the name is not registered, and with an
     * {@link IOException} when the stored images are unreadable or do not match the manifest.
     */
    public ImageSet load(String name) throws IOException {
        DatasetManifest manifest = manifest(name);
        ImageSet set;
        try (InputStream in = store.open(StorageLayout.datasetImages(name))) {
            set = ImageSetCodec.read(in);
        } catch (IOException e) {
            throw new IOException("stored dataset '" + name + "' is unreadable: " + e.getMessage(), e);
        }
        Optional<String> mismatch = manifest.mismatch(set);
        if (mismatch.isPresent()) {
            throw new IOException("stored dataset '" + name + "' does not match its manifest: " + mismatch.get());
        }
        return set;
    }

    /** Removes a dataset, manifest first so that it disappears at once; false when it did not exist. */
    public boolean delete(String name) {
        String manifestKey = StorageLayout.datasetManifest(validateName(name));
        boolean existed = store.exists(manifestKey);
        store.delete(manifestKey);
        store.deletePrefix(StorageLayout.datasetPrefix(name));
        return existed;
    }

    private void removeQuietly(String name, Exception failure) {
        try {
            store.delete(StorageLayout.datasetManifest(name));
            store.deletePrefix(StorageLayout.datasetPrefix(name));
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
