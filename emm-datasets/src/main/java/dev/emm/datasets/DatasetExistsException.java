package dev.emm.datasets;

/** A dataset of that name is already registered and replacing it was not asked for. */
public class DatasetExistsException extends RuntimeException {

    private final String name;

    public DatasetExistsException(String name) {
        super("a dataset named '" + name + "' is already registered; choose another name or replace it explicitly");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
