package dev.emm.orchestrator.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.core.data.SubsetFeasibility;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.InvalidSpecException;
import dev.emm.core.spec.SpecViolation;
import dev.emm.core.spec.SweepExpansion;
import dev.emm.orchestrator.SweepRepository;
import dev.emm.core.storage.StorageLayout;
import dev.emm.orchestrator.ExperimentRepository;
import dev.emm.store.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
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

    @Inject
    SweepRepository sweeps;

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
        List<SpecViolation> violations = violations(spec);
        if (!violations.isEmpty()) {
            throw new InvalidSpecException(violations.stream()
                    .map(v -> new SpecViolation(fieldPrefix + v.field(), v.message()))
                    .toList());
        }
    }

    /**
     * Checks every value of a sweep, unless the sweep already exists. A problem every value has (an
     * unregistered dataset) is named by its field; one that only some values have is named
     * {@code sweep.values[i]}, as {@link SweepExpansion} names a value's problems.
     */
    public void checkSweep(String sweepId, SweepExpansion.Expanded sweep, String fieldPrefix) {
        if (sweeps.find(sweepId).isPresent()) {
            return;
        }
        List<List<SpecViolation>> perValue = sweep.members().stream().map(member -> violations(member.spec())).toList();
        List<SpecViolation> common = perValue.get(0).stream()
                .filter(v -> perValue.stream().allMatch(others -> others.contains(v))).toList();
        List<SpecViolation> named = new ArrayList<>();
        common.forEach(v -> named.add(new SpecViolation(fieldPrefix + v.field(), v.message())));
        for (int i = 0; i < perValue.size(); i++) {
            String value = Json.toString(sweep.members().get(i).value());
            for (SpecViolation v : perValue.get(i)) {
                if (!common.contains(v)) {
                    named.add(new SpecViolation(fieldPrefix + "sweep.values[" + i + "]", sweep.factor() + " = " + value
                            + " makes " + v.field() + " invalid: " + v.message()));
                }
            }
        }
        if (!named.isEmpty()) {
            throw new InvalidSpecException(named);
        }
    }

    private List<SpecViolation> violations(ExperimentSpec spec) {
        Optional<DatasetManifest> primary = manifest(spec.data().dataset());
        Optional<DatasetManifest> secondary = spec.data().mix() == null ? Optional.empty()
                : manifest(spec.data().mix().dataset());
        return SubsetFeasibility.check(spec, primary, secondary);
    }

    private Optional<DatasetManifest> manifest(String name) {
        return store.find(StorageLayout.datasetManifest(name)).map(bytes -> Json.read(bytes, DatasetManifest.class));
    }
}
