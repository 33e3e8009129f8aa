package dev.emm.orchestrator.datasets;

import dev.emm.datasets.BundledMnist;
import dev.emm.store.ObjectStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Registers the bundled MNIST digits at start, so every deployment can run the examples without an import. */
@ApplicationScoped
public class BundledDatasets {

    private static final Logger LOG = Logger.getLogger(BundledDatasets.class);

    @Inject
    ObjectStore store;

    void registerOnStart(@Observes StartupEvent start) {
        if (BundledMnist.register(store)) {
            LOG.infof("registered the bundled dataset '%s'", BundledMnist.NAME);
        }
    }
}
