package dev.emm.djl;

import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.TrainingSpec;

/** Fills spec defaults through the core validator (the records' withDefaults is package-private). */
public final class Specs {

    private Specs() {
    }

    /**
     * The model spec with every omitted field at its default for images of {@code imageResolution}
     * (attention follows it); throws the core's InvalidSpecException if invalid, for example
     * attention at a resolution the network never has.
     */
    public static ModelSpec complete(ModelSpec model, int imageResolution) {
        return SpecValidator.completedModel(model, imageResolution);
    }

    public static TrainingSpec complete(TrainingSpec training) {
        return SpecValidator.validated(new ExperimentSpec(null, null, null, training, null, null)).training();
    }
}
