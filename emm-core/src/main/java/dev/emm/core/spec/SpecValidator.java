package dev.emm.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Completes a spec (its preset's values, then the records' defaults) and checks the result, naming
 * every offending field. Values outside a vocabulary never get here: the JSON reader refuses them.
 */
public final class SpecValidator {

    private static final Pattern DATASET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    /*
     * Upper bounds: far above any real experiment (the paper: 10,000 samples, 18 steps, batch 512,
     * 3 levels of 2 blocks), low enough that a typo or a hostile value cannot ask for years of work
     * or a spec larger than the events that carry it.
     */
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_LEVELS = 8;
    static final int MAX_CHANNEL_MULT = 16;
    static final int MAX_BLOCKS = 16;
    static final int MAX_MODEL_CHANNELS = 4096;
    static final int MAX_ATTENTION_RESOLUTIONS = 16;
    static final int MAX_CLASS_MAP_ENTRIES = 1000;
    static final int MAX_BATCH_SIZE = 65_536;
    static final int MAX_SAMPLE_COUNT = 1_000_000;
    static final int MAX_SAMPLER_STEPS = 1000;

    private final List<SpecViolation> violations = new ArrayList<>();

    private SpecValidator() {
    }

    /** Applies defaults, validates, and returns the complete spec or throws naming the fields. */
    public static ExperimentSpec validated(ExperimentSpec spec) {
        if (spec == null) {
            throw new InvalidSpecException(List.of(new SpecViolation("$", "spec is empty")));
        }
        ExperimentSpec complete = Presets.resolve(spec).withDefaults();
        SpecValidator validator = new SpecValidator();
        validator.check(complete);
        if (!validator.violations.isEmpty()) {
            throw new InvalidSpecException(validator.violations);
        }
        return complete;
    }

    /**
     * The model spec completed for images of {@code imageResolution} (attention defaults to the
     * second level) and checked as in a full spec; for callers that hold a model without its
     * experiment, such as a training run given its images.
     */
    public static ModelSpec completedModel(ModelSpec model, int imageResolution) {
        ModelSpec complete = (model == null ? ModelSpec.unset() : model)
                .withDefaults(imageResolution);
        SpecValidator validator = new SpecValidator();
        validator.checkModel(complete, imageResolution);
        if (!validator.violations.isEmpty()) {
            throw new InvalidSpecException(validator.violations);
        }
        return complete;
    }

    /**
     * The training spec completed with its defaults and checked as in a full spec; for callers that
     * hold a procedure without its experiment, such as a training run or a checkpoint's header.
     */
    public static TrainingSpec completedTraining(TrainingSpec training) {
        TrainingSpec complete = (training == null ? TrainingSpec.unset() : training).withDefaults();
        SpecValidator validator = new SpecValidator();
        validator.checkTraining(complete);
        if (!validator.violations.isEmpty()) {
            throw new InvalidSpecException(validator.violations);
        }
        return complete;
    }

    private void check(ExperimentSpec spec) {
        require(!spec.name().isBlank(), "name", "must not be blank");
        require(spec.name().length() <= MAX_NAME_LENGTH, "name",
                "must be at most " + MAX_NAME_LENGTH + " characters, got " + spec.name().length());
        checkData(spec.data());
        checkModel(spec.model(), spec.data().resolution());
        checkTraining(spec.training());
        checkSampling(spec.sampling());
        checkSearch(spec.search(), spec.data());
    }

    private void checkData(DataSpec data) {
        require(DATASET_NAME.matcher(data.dataset()).matches(), "data.dataset",
                "must be a registered dataset name (lower case letters, digits, '.', '_', '-')");
        int resolution = data.resolution();
        require(resolution >= 4 && resolution <= 512 && Integer.bitCount(resolution) == 1, "data.resolution",
                "must be a power of two between 4 and 512, got " + resolution);
        require(data.classes() >= 1, "data.classes", "must be at least 1, got " + data.classes());
        require(data.labelClasses() >= 1, "data.labelClasses", "must be at least 1, got " + data.labelClasses());
        if (data.selectClasses() != null) {
            List<ClassRef> selected = data.selectClasses();
            require(!selected.isEmpty(), "data.selectClasses", "must name at least one class when given");
            for (int i = 0; i < selected.size(); i++) {
                ClassRef ref = selected.get(i);
                String field = "data.selectClasses[" + i + "]";
                require(ref != null, field, "must be a class index or a class name, got null");
                if (ref != null) {
                    require(ref.id() == null || ref.id() >= 0, field, "a class index must not be negative, got "
                            + ref.id());
                    require(ref.name() == null || !ref.name().isBlank(), field, "a class name must not be blank");
                }
            }
            require(Set.copyOf(selected.stream().filter(r -> r != null).toList()).size()
                            == selected.stream().filter(r -> r != null).count(),
                    "data.selectClasses", "names a class twice: " + selected);
            require(selected.isEmpty() || data.classes() == selected.size(), "data.classes", "is " + data.classes()
                    + " but data.selectClasses names " + selected.size() + " class(es); omit data.classes or make"
                    + " them agree");
        }
        if (data.mix() != null) {
            require(data.mix().dataset() != null && DATASET_NAME.matcher(data.mix().dataset()).matches(),
                    "data.mix.dataset", "must name a registered dataset");
            Double alpha = data.mix().alpha();
            require(alpha != null && alpha >= 0 && alpha <= 1, "data.mix.alpha", "must be in [0, 1], got " + alpha);
            require(data.mix().classMap().isEmpty() || data.mix().classMatch() == ClassMatch.NAME, "data.mix.classMap",
                    "renames class names, so it needs classMatch 'name'");
            require(data.mix().classMap().size() <= MAX_CLASS_MAP_ENTRIES, "data.mix.classMap",
                    "must have at most " + MAX_CLASS_MAP_ENTRIES + " entries, got " + data.mix().classMap().size());
            require(data.mix().classMap().entrySet().stream()
                            .allMatch(e -> e.getKey() != null && e.getValue() != null && !e.getValue().isBlank()),
                    "data.mix.classMap", "must map class names to non-blank class names");
        }
    }

    private void checkModel(ModelSpec model, int imageResolution) {
        if (model.isOptimum()) {
            return;
        }
        require(model.modelChannels() >= 1 && model.modelChannels() <= MAX_MODEL_CHANNELS, "model.modelChannels",
                "must be between 1 and " + MAX_MODEL_CHANNELS + ", got " + model.modelChannels());
        require(!model.channelMult().isEmpty() && model.channelMult().size() <= MAX_LEVELS
                        && model.channelMult().stream().allMatch(m -> m != null && m >= 1 && m <= MAX_CHANNEL_MULT),
                "model.channelMult", "must list 1 to " + MAX_LEVELS + " integers between 1 and " + MAX_CHANNEL_MULT
                        + ", got " + model.channelMult().size() + " entries");
        require(model.numBlocks() >= 1 && model.numBlocks() <= MAX_BLOCKS, "model.numBlocks",
                "must be between 1 and " + MAX_BLOCKS + ", got " + model.numBlocks());
        require(model.attnResolutions().size() <= MAX_ATTENTION_RESOLUTIONS
                        && model.attnResolutions().stream().allMatch(r -> r != null && r >= 1),
                "model.attnResolutions", "must list at most " + MAX_ATTENTION_RESOLUTIONS + " positive resolutions");
        if (!model.channelMult().isEmpty() && model.attnResolutions().stream().allMatch(r -> r != null)) {
            List<Integer> levels = new ArrayList<>();
            for (int level = 0; level < model.channelMult().size(); level++) {
                levels.add(imageResolution >> level);
            }
            List<Integer> absent = model.attnResolutions().stream().filter(r -> !levels.contains(r)).toList();
            require(absent.isEmpty(), "model.attnResolutions", "asks for attention at " + absent + ", a resolution"
                    + " this network never has: at data.resolution " + imageResolution + " its "
                    + levels.size() + " level(s) work at " + levels + ". The paper moves attention with the image"
                    + " (16 for 32x32, 8 for 16x16, 4 for 8x8); omit the field to follow data.resolution that way");
        }
        require(model.dropout() >= 0 && model.dropout() < 1, "model.dropout", "must be in [0, 1)");
        int skips = ModelSpec.skipConnectionCount(model.channelMult().size(), model.numBlocks());
        require(model.skipConnections().size() == skips && model.skipConnections().stream().allMatch(s -> s != null),
                "model.skipConnections", "must list exactly " + skips + " booleans, one per skip connection of this "
                        + "network (levels x (numBlocks + 1) = " + model.channelMult().size() + " x ("
                        + model.numBlocks() + " + 1)), got " + model.skipConnections().size());
    }

    private void checkTraining(TrainingSpec training) {
        require(training.learningRate() > 0, "training.learningRate", "must be positive");
        require(training.warmupImages() == null || training.warmupImages() >= 0, "training.warmupImages",
                "must not be negative");
        require(training.warmupEpochs() == null || (training.warmupEpochs() >= 0
                        && Double.isFinite(training.warmupEpochs())), "training.warmupEpochs",
                "must be a non-negative number");
        require(training.warmupImages() == null || training.warmupEpochs() == null, "training.warmupEpochs",
                "give either warmupImages or warmupEpochs, not both");
        require(training.batchSize() >= 1 && training.batchSize() <= MAX_BATCH_SIZE, "training.batchSize",
                "must be between 1 and " + MAX_BATCH_SIZE + ", got " + training.batchSize());
        require(training.adamBeta1() >= 0 && training.adamBeta1() < 1, "training.adamBeta1", "must be in [0, 1)");
        require(training.adamBeta2() >= 0 && training.adamBeta2() < 1, "training.adamBeta2", "must be in [0, 1)");
        require(training.adamEps() > 0, "training.adamEps", "must be positive");
        require(training.weightDecay() >= 0, "training.weightDecay", "must not be negative");
        require(training.emaDecay() == null || (training.emaDecay() >= 0 && training.emaDecay() <= 1),
                "training.emaDecay", "must be in [0, 1]");
        require(training.emaHalfLifeImages() == null || training.emaHalfLifeImages() >= 0,
                "training.emaHalfLifeImages", "must not be negative");
        require(training.emaHalfLifeEpochs() == null || (training.emaHalfLifeEpochs() >= 0
                        && Double.isFinite(training.emaHalfLifeEpochs())), "training.emaHalfLifeEpochs",
                "must be a non-negative number");
        boolean halfLife = training.emaHalfLifeImages() != null || training.emaHalfLifeEpochs() != null;
        require(training.emaHalfLifeImages() == null || training.emaHalfLifeEpochs() == null,
                "training.emaHalfLifeEpochs", "give either emaHalfLifeImages or emaHalfLifeEpochs, not both");
        require(training.emaDecay() == null || !halfLife, "training.emaDecay",
                "give either emaDecay or an EMA half-life (emaHalfLifeImages, emaHalfLifeEpochs), not both");
        require(training.emaDecay() == null || training.emaMode() == EmaMode.MODE1, "training.emaMode",
                "must be mode1 when emaDecay is given (emaDecay fixes beta itself)");
        require(halfLife || training.emaDecay() != null
                        || !(training.emaMode() == EmaMode.MODE2 || training.emaMode() == EmaMode.MODE4), "training.emaMode",
                training.emaMode() + " needs an EMA half-life (emaHalfLifeImages or emaHalfLifeEpochs)");
        require(training.finalEma() >= 0 && training.finalEma() <= 1, "training.finalEma", "must be in [0, 1]");
        require(training.duration() >= 1, "training.duration", "must be at least 1");
        require(training.snapshotEveryImages() == null || training.snapshotEveryImages() >= 1,
                "training.snapshotEveryImages", "must be at least 1");
        require(training.checkpointEveryImages() == null || training.checkpointEveryImages() >= 1,
                "training.checkpointEveryImages", "must be at least 1");
    }

    private void checkSampling(SamplingSpec sampling) {
        require(sampling.sampleCount() >= 1 && sampling.sampleCount() <= MAX_SAMPLE_COUNT, "sampling.sampleCount",
                "must be between 1 and " + MAX_SAMPLE_COUNT + ", got " + sampling.sampleCount());
        require(sampling.firstSeed() >= 0, "sampling.firstSeed", "must not be negative");
        require(sampling.numSteps() >= 2 && sampling.numSteps() <= MAX_SAMPLER_STEPS, "sampling.numSteps",
                "must be between 2 and " + MAX_SAMPLER_STEPS + ", got " + sampling.numSteps());
        require(sampling.sigmaMin() > 0, "sampling.sigmaMin", "must be positive");
        require(sampling.sigmaMax() > sampling.sigmaMin(), "sampling.sigmaMax", "must exceed sampling.sigmaMin");
        require(sampling.rho() > 0, "sampling.rho", "must be positive");
        require(sampling.churn() >= 0, "sampling.churn", "must not be negative");
        require(sampling.noiseScale() >= 0, "sampling.noiseScale", "must not be negative");
        require(sampling.batchSize() >= 1 && sampling.batchSize() <= MAX_BATCH_SIZE, "sampling.batchSize",
                "must be between 1 and " + MAX_BATCH_SIZE + ", got " + sampling.batchSize());
        require(sampling.sequentialFirstCount() == null || (sampling.sequentialFirstCount() >= 1
                        && sampling.sequentialFirstCount() <= sampling.sampleCount()), "sampling.sequentialFirstCount",
                "must be between 1 and sampling.sampleCount (" + sampling.sampleCount() + "), got "
                        + sampling.sequentialFirstCount());
    }

    private void checkSearch(SearchSpec search, DataSpec data) {
        require(search.eps() > 0 && search.eps() < 1, "search.eps", "must be in (0, 1), got " + search.eps());
        require(search.minSize() >= Math.max(2, data.classes()), "search.minSize",
                "must be at least 2 and at least data.classes (" + data.classes() + "), got " + search.minSize());
        require(search.maxSize() >= search.minSize(), "search.maxSize",
                "must be at least search.minSize (" + search.minSize() + "), got " + search.maxSize());
        require(search.precision() > 0, "search.precision", "must be positive");
        require(search.parallelProbes() >= 1 && search.parallelProbes() <= 64, "search.parallelProbes",
                "must be between 1 and 64");
        require(search.growthFactor() > 1 && search.growthFactor() <= 64, "search.growthFactor",
                "must be above 1 and at most 64, got " + search.growthFactor());
        require(search.plateauSnapshots() == 0 || (search.plateauSnapshots() >= 2 && search.plateauSnapshots() <= 100),
                "search.plateauSnapshots", "must be 0 (off) or between 2 and 100, got " + search.plateauSnapshots());
    }

    private void require(boolean condition, String field, String message) {
        if (!condition) {
            violations.add(new SpecViolation(field, message));
        }
    }
}
