package dev.emm.testsupport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which keys of a bucket the documented layout (docs/STORAGE.md, {@code StorageLayout}) does not
 * explain. A key is explained when it has one of the documented forms, a run's key names a run of
 * its own experiment ({@code {experimentId}-n{size}-s{seed}}) and what it belongs to is anchored:
 * the experiment has its {@code state.json}; a snapshot's objects have the snapshot's
 * {@code model.bin} and the run's training subset (a snapshot is saved only after training on it).
 * A run's own objects need only the experiment: a run cancelled while queued has its marker and
 * nothing else. Anything else (a temporary or half-written object, a run of an unknown
 * experiment, samples of a snapshot never saved) is reported with the reason.
 */
public final class StoreLayoutAudit {

    private static final String ID = "[a-z0-9][a-z0-9-]{0,62}";
    private static final Pattern DATASET = Pattern.compile("datasets/[a-z0-9][a-z0-9._-]{0,62}/(manifest\\.json|images\\.emmds\\.gz)");
    private static final Pattern EXPERIMENT = Pattern.compile("experiments/(" + ID + ")/(state\\.json|result\\.json|state\\.unreadable)");
    private static final Pattern RUN = Pattern.compile("experiments/(" + ID + ")/runs/(" + ID + ")/"
            + "(training-subset\\.emmds\\.gz|checkpoint\\.bin|lease\\.json|training-log\\.json|cancelled\\.json)");
    private static final Pattern SNAPSHOT = Pattern.compile("experiments/(" + ID + ")/runs/(" + ID + ")/snapshots/(\\d{6})/"
            + "(model\\.bin|samples\\.emmds\\.gz|distances\\.bin|metric\\.json)");
    private static final Pattern SWEEP = Pattern.compile("sweeps/" + ID + "/sweep\\.json");
    private static final String ORCHESTRATOR_LEASE = "orchestrator/lease.json";

    /** A key the layout does not explain, and why. */
    public record Unexplained(String key, String reason) {
        @Override
        public String toString() {
            return key + " (" + reason + ")";
        }
    }

    private StoreLayoutAudit() {
    }

    /** The keys of {@code keys} that the layout does not explain; empty when every key is explained. */
    public static List<Unexplained> unexplained(Collection<String> keys) {
        Set<String> all = new TreeSet<>(keys);
        List<Unexplained> found = new ArrayList<>();
        for (String key : all) {
            String reason = reason(key, all);
            if (reason != null) {
                found.add(new Unexplained(key, reason));
            }
        }
        return found;
    }

    private static String reason(String key, Set<String> all) {
        if (key.equals(ORCHESTRATOR_LEASE) || DATASET.matcher(key).matches() || SWEEP.matcher(key).matches()) {
            return null;
        }
        Matcher experiment = EXPERIMENT.matcher(key);
        if (experiment.matches()) {
            return stateMissing(experiment.group(1), all);
        }
        Matcher run = RUN.matcher(key);
        if (run.matches()) {
            return runReason(run.group(1), run.group(2), all);
        }
        Matcher snapshot = SNAPSHOT.matcher(key);
        if (snapshot.matches()) {
            String runReason = runReason(snapshot.group(1), snapshot.group(2), all);
            if (runReason != null) {
                return runReason;
            }
            String runPrefix = "experiments/" + snapshot.group(1) + "/runs/" + snapshot.group(2) + "/";
            if (!all.contains(runPrefix + "training-subset.emmds.gz")) {
                return "its run has no training subset";
            }
            return all.contains(runPrefix + "snapshots/" + snapshot.group(3) + "/model.bin") ? null
                    : "its snapshot has no model.bin";
        }
        return "not a key of the documented layout";
    }

    private static String runReason(String experimentId, String runId, Set<String> all) {
        if (!runId.matches(Pattern.quote(experimentId) + "-n[1-9]\\d*-s\\d+")) {
            return "run " + runId + " is not a run of experiment " + experimentId;
        }
        return stateMissing(experimentId, all);
    }

    private static String stateMissing(String experimentId, Set<String> all) {
        return all.contains("experiments/" + experimentId + "/state.json") ? null
                : "experiment " + experimentId + " has no state.json";
    }
}
