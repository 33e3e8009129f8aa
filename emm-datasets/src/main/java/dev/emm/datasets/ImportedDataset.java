package dev.emm.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import java.util.Arrays;
import java.util.List;

/**
 * The result of an import, not yet registered: the images in source order, one name per class,
 * where they came from and under what terms.
 *
 * @param sourceSha256 lower-case hex SHA-256 of the imported file (for a folder or a pair of MNIST
 *     files, the tree digest described in docs/DATASETS.md)
 */
public record ImportedDataset(ImageSet images, List<String> classNames, DatasetFormat format,
        String sourceSha256, String license) {

    public ImportedDataset {
        classNames = List.copyOf(classNames);
        if (classNames.size() != images.classCount()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + images.classCount()
                    + " classes");
        }
    }

    /** The manifest this dataset is registered with under {@code name}. */
    public DatasetManifest manifest(String name) {
        return new DatasetManifest(name, ImageSetCodec.VERSION, images.size(), images.channels(), images.height(),
                images.width(), images.classCount(), Arrays.stream(images.countPerClass()).boxed().toList(),
                classNames, format.wireName(), sourceSha256, license);
    }
}
