package dev.emm.core.data;

import java.util.List;

/**
 * What the object store knows about a registered dataset without reading its pixels
 * ({@code datasets/NAME/manifest.json}). {@code sourceSha256} is the hash of the file imported.
 */
public record DatasetManifest(
        String name,
        int layoutVersion,
        int count,
        int channels,
        int height,
        int width,
        int classCount,
        List<Integer> countPerClass,
        List<String> classNames,
        String sourceFormat,
        String sourceSha256,
        String license) {
}
