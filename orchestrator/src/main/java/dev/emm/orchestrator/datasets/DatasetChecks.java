package dev.emm.orchestrator.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.SubsetFeasibility;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecViolation;
import dev.emm.core.storage.StorageLayout;
import dev.emm.orchestrator.ExperimentRepository;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Before anything trains: the spec's datasets are registered and can supply every subset the
 * search may ask for ({@link SubsetFeasibility}, on the manifests in the store). A failure is an
 * {@link InvalidSpecException}, so REST answers 400 and Kafka emits a rejection and dead-letters
 * the record, exactly as for any other invalid spec.
 */
@ApplicationScoped
public class DatasetChecks {

    @Inject
    ObjectStore store;

    @Inject
    ExperimentRepository repository;

    /**
     * Checks a submission, unless its experiment already exists (a repeated delivery of an accepted
     * spec is answered with the experiment, even if a dataset has been removed since).
     *
     * @param fieldPrefix what the violations' field paths are prefixed with ({@code "spec."} inside an envelope)
     */
    public void check(String experimentId, ExperimentSpec spec, String fieldPrefix) {
        if (repository.find(experimentId).isPresent()) {
            return;
        }
        Optional<DatasetManifest> primary = manifest(spec.data().dataset());
        Optional<DatasetManifest> secondary = spec.data().mix() == null ? Optional.empty()
                : manifest(spec.data().mix().dataset());
        List<SpecViolation> violations = SubsetFeasibility.check(spec, primary, secondary);
        if (!violations.isEmpty()) {
            throw new InvalidSpecException(violations.stream()
                    .map(v -> new SpecViolation(fieldPrefix + v.field(), v.message()))
                    .toList());
        }
    }

    private Optional<DatasetManifest> manifest(String name) {
        return store.find(StorageLayout.datasetManifest(name)).map(bytes -> Json.read(bytes, DatasetManifest.class));
    }
}
