package dev.emm.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The input is not a valid dataset of the requested format: corrupt, truncated, mislabelled or of
 * mixed shapes. The message names the file, the entry inside an archive where there is one, and
 * the problem. Plain {@link IOException}s that are not this type are failures of the machine
 * (disk, permissions), not of the input.
 */
public class DatasetImportException extends IOException {

    private final transient Path file;
    private final String entry;

    public DatasetImportException(Path file, String entry, String problem) {
        super(describe(file, entry, problem));
        this.file = file;
        this.entry = entry;
    }

    public DatasetImportException(Path file, String entry, String problem, Throwable cause) {
        super(describe(file, entry, problem), cause);
        this.file = file;
        this.entry = entry;
    }

    public static DatasetImportException of(Path file, String problem) {
        return new DatasetImportException(file, null, problem);
    }

    /** The file (or folder) that was being imported. */
    public Path file() {
        return file;
    }

    /** The entry inside an archive, or the path relative to an imported folder, if the problem is in one. */
    public Optional<String> entry() {
        return Optional.ofNullable(entry);
    }

    private static String describe(Path file, String entry, String problem) {
        StringBuilder message = new StringBuilder();
        message.append(file);
        if (entry != null) {
            message.append(" [").append(entry).append(']');
        }
        return message.append(": ").append(problem).toString();
    }
}
