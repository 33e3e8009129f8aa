package dev.emm.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store}: which store holds an experiment; by default found as {@link StoreSource#holding} says. */
final class StoreOption {

    @Option(names = "--store", paramLabel = "DIR", description = "Read a local stack's folder instead of a running "
            + "store: .emm/stack (the 'emm up' stack), or .emm/runs/TIME (an 'emm run'). Default: the store named by "
            + "EMM_STORE_ENDPOINT, else the running 'emm up' stack, else the newest local folder that holds ID.")
    Path directory;

    StoreSource holding(String experimentId) throws IOException {
        return StoreSource.holding(experimentId, directory);
    }
}
