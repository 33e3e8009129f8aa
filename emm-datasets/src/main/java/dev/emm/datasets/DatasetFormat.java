package dev.emm.datasets;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The published dataset formats EMM imports, by their {@code --format} names. */
public enum DatasetFormat {
    /** CIFAR-10 "python version": a tar.gz of pickled batches {@code data_batch_1..5}, {@code test_batch}. */
    CIFAR10_PYTHON("cifar10-python"),
    /** CIFAR-10 "binary version": a tar.gz of {@code data_batch_1..5.bin}, {@code test_batch.bin}. */
    CIFAR10_BINARY("cifar10-binary"),
    /** CIFAR-100 "python version": a tar.gz of pickled {@code train}, {@code test}, {@code meta}. */
    CIFAR100_PYTHON("cifar100-python"),
    /** CIFAR-100 "binary version": a tar.gz of {@code train.bin}, {@code test.bin} (coarse and fine label bytes). */
    CIFAR100_BINARY("cifar100-binary"),
    /** A zip as written by EDM's {@code dataset_tool.py}: PNG images plus {@code dataset.json}. */
    EDM_ZIP("edm-zip"),
    /** A folder with one subfolder of PNG/JPEG images per class. */
    IMAGE_FOLDER("image-folder"),
    /** MNIST IDX files (images idx3 + labels idx1, gzipped or not). */
    MNIST_IDX("mnist-idx");

    private final String wireName;

    DatasetFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the command line ({@code --format}) and in manifests ({@code sourceFormat}). */
    public String wireName() {
        return wireName;
    }

    public static DatasetFormat fromWire(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(format -> format.wireName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown dataset format '" + name + "', expected one of " + allWireNames()));
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(DatasetFormat::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
