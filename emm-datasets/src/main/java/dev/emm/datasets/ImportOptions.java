package dev.emm.datasets;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Choices an import leaves to the user.
 *
 * @param split which published split to import (train by default; CIFAR and MNIST have both)
 * @param cifar100Labels CIFAR-100 only: the 100 fine classes (default) or the 20 coarse superclasses
 * @param labelsFile MNIST only: the labels IDX file, when it is not beside the images file under
 *     the standard name
 * @param license a license note for the manifest; empty means the format's default note
 * @param centerCrop image folders and EDM zips only: crop every image to its central square and
 *     LANCZOS-resize it to this side, as the paper's {@code dataset_tool.py --transform=center-crop}
 *     prepares its ImageNet images (grayscale images become RGB, as there), so photographs of many
 *     sizes make one dataset; empty keeps the images as they are
 */
public record ImportOptions(Split split, Cifar100Labels cifar100Labels, Optional<Path> labelsFile,
        Optional<String> license, OptionalInt centerCrop) {

    public enum Split { TRAIN, TEST }

    public enum Cifar100Labels { FINE, COARSE }

    public ImportOptions {
        split = split == null ? Split.TRAIN : split;
        cifar100Labels = cifar100Labels == null ? Cifar100Labels.FINE : cifar100Labels;
        labelsFile = labelsFile == null ? Optional.empty() : labelsFile;
        license = license == null ? Optional.empty() : license.filter(text -> !text.isBlank());
        centerCrop = centerCrop == null ? OptionalInt.empty() : centerCrop;
        if (centerCrop.isPresent() && (centerCrop.getAsInt() < 1 || centerCrop.getAsInt() > MAX_CROP)) {
            throw new IllegalArgumentException("centerCrop must be a side between 1 and " + MAX_CROP + ", got "
                    + centerCrop.getAsInt());
        }
    }

    /** The largest side a centre crop resizes to (a training image, not a photograph). */
    public static final int MAX_CROP = 1024;

    public static ImportOptions defaults() {
        return new ImportOptions(Split.TRAIN, Cifar100Labels.FINE, Optional.empty(), Optional.empty(),
                OptionalInt.empty());
    }

    public ImportOptions withSplit(Split value) {
        return new ImportOptions(value, cifar100Labels, labelsFile, license, centerCrop);
    }

    public ImportOptions withCifar100Labels(Cifar100Labels value) {
        return new ImportOptions(split, value, labelsFile, license, centerCrop);
    }

    public ImportOptions withLabelsFile(Path value) {
        return new ImportOptions(split, cifar100Labels, Optional.ofNullable(value), license, centerCrop);
    }

    public ImportOptions withLicense(String value) {
        return new ImportOptions(split, cifar100Labels, labelsFile, Optional.ofNullable(value), centerCrop);
    }

    /** Centre crop to {@code side} x {@code side}; null keeps the images as they are. */
    public ImportOptions withCenterCrop(Integer side) {
        return new ImportOptions(split, cifar100Labels, labelsFile, license,
                side == null ? OptionalInt.empty() : OptionalInt.of(side));
    }
}
