package dev.emm.datasets;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Choices an import leaves to the user.
 *
 * @param split which published split to import (train by default; CIFAR and MNIST have both)
 * @param cifar100Labels CIFAR-100 only: the 100 fine classes (default) or the 20 coarse superclasses
 * @param labelsFile MNIST only: the labels IDX file, when it is not beside the images file under
 *     the standard name
 * @param license a license note for the manifest; empty means the format's default note
 */
public record ImportOptions(Split split, Cifar100Labels cifar100Labels, Optional<Path> labelsFile,
        Optional<String> license) {

    public enum Split { TRAIN, TEST }

    public enum Cifar100Labels { FINE, COARSE }

    public ImportOptions {
        split = split == null ? Split.TRAIN : split;
        cifar100Labels = cifar100Labels == null ? Cifar100Labels.FINE : cifar100Labels;
        labelsFile = labelsFile == null ? Optional.empty() : labelsFile;
        license = license == null ? Optional.empty() : license.filter(text -> !text.isBlank());
    }

    public static ImportOptions defaults() {
        return new ImportOptions(Split.TRAIN, Cifar100Labels.FINE, Optional.empty(), Optional.empty());
    }

    public ImportOptions withSplit(Split value) {
        return new ImportOptions(value, cifar100Labels, labelsFile, license);
    }

    public ImportOptions withCifar100Labels(Cifar100Labels value) {
        return new ImportOptions(split, value, labelsFile, license);
    }

    public ImportOptions withLabelsFile(Path value) {
        return new ImportOptions(split, cifar100Labels, Optional.ofNullable(value), license);
    }

    public ImportOptions withLicense(String value) {
        return new ImportOptions(split, cifar100Labels, labelsFile, Optional.ofNullable(value));
    }
}
