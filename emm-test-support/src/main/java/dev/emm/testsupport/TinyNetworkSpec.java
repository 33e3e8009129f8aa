package dev.emm.testsupport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;

/**
 * The tiny network the end-to-end tests train, at one size (minSize = maxSize): 8x8 MNIST, 16
 * channels at two levels, one block, no attention, no EMA, no warm-up, so a run takes seconds to
 * minutes on two cores. The batch is capped at |D|, so a step trains |D| images and cadences are
 * given in steps. Without {@link #steps} a run trains until it is cancelled (ten million steps).
 */
public record TinyNetworkSpec(String name, int size, long steps, long snapshotEverySteps,
        long checkpointEverySteps, int sampleCount, String earlyStop) {

    private static final long UNTIL_CANCELLED = 10_000_000L;
    private static final long UNSET = 0;

    public static TinyNetworkSpec of(String name, int size) {
        return new TinyNetworkSpec(name, size, UNTIL_CANCELLED, UNSET, UNSET, 100, null);
    }

    public TinyNetworkSpec steps(long value) {
        return new TinyNetworkSpec(name, size, value, snapshotEverySteps, checkpointEverySteps, sampleCount, earlyStop);
    }

    public TinyNetworkSpec snapshotEverySteps(long value) {
        return new TinyNetworkSpec(name, size, steps, value, checkpointEverySteps, sampleCount, earlyStop);
    }

    public TinyNetworkSpec checkpointEverySteps(long value) {
        return new TinyNetworkSpec(name, size, steps, snapshotEverySteps, value, sampleCount, earlyStop);
    }

    /** Samples per snapshot, drawn in one batch. */
    public TinyNetworkSpec sampleCount(int value) {
        return new TinyNetworkSpec(name, size, steps, snapshotEverySteps, checkpointEverySteps, value, earlyStop);
    }

    /** The search's early-stop rule by its JSON name ({@code off}, {@code ratio}, ...); unset takes the default. */
    public TinyNetworkSpec earlyStop(String value) {
        return new TinyNetworkSpec(name, size, steps, snapshotEverySteps, checkpointEverySteps, sampleCount, value);
    }

    public String json() {
        ObjectNode spec = Json.mapper().createObjectNode();
        spec.put("name", name);
        spec.putObject("data").put("dataset", "mnist").put("resolution", 8).put("classes", 10);
        ObjectNode model = spec.putObject("model").put("kind", "ddpmpp").put("modelChannels", 16);
        model.putArray("channelMult").add(1).add(2);
        model.put("numBlocks", 1);
        model.putArray("attnResolutions");
        model.put("dropout", 0.0);
        ObjectNode training = spec.putObject("training").put("preconditioning", "edm").put("learningRate", 0.002)
                .put("warmupImages", 0).put("batchSize", 64).put("capBatchAtDatasetSize", true).put("emaDecay", 0.0)
                .put("durationUnit", "steps").put("duration", steps);
        if (snapshotEverySteps != UNSET) {
            training.put("snapshotEveryImages", snapshotEverySteps * size);
        }
        if (checkpointEverySteps != UNSET) {
            training.put("checkpointEveryImages", checkpointEverySteps * size);
        }
        spec.putObject("sampling").put("sampleCount", sampleCount).put("batchSize", sampleCount);
        ObjectNode search = spec.putObject("search").put("minSize", size).put("maxSize", size);
        if (earlyStop != null) {
            search.put("earlyStop", earlyStop);
        }
        return Json.toString(spec);
    }
}
