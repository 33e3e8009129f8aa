package dev.emm.datasets;

/** No dataset of that name is registered (its manifest does not exist). */
public class DatasetNotFoundException extends RuntimeException {

    private final String name;

    public DatasetNotFoundException(String name) {
        super("no dataset named '" + name + "' is registered");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
