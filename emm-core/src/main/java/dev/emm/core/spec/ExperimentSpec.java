package dev.emm.core.spec;

/**
 * What a user asks to measure: EMM of model {@code model} trained by {@code training} on data
 * {@code data}, evaluated by {@code sampling}, searched by {@code search}. {@code preset} names a
 * {@link Presets preset} whose values fill every field the spec leaves out.
 *
 * <p>Every default lives in one place, the records' {@code withDefaults()}: the paper's
 * hyperparameters (DDPM++ 128 channels, VP, Adam at 2e-4, batch 512, 40k epochs, the 18-step Heun
 * sampler with 10,000 samples), with the bundled MNIST at 16x16 and sizes 10..640 for the data and
 * the search. A preset file lists only what it changes.
 */
public record ExperimentSpec(
        String name,
        DataSpec data,
        ModelSpec model,
        TrainingSpec training,
        SamplingSpec sampling,
        SearchSpec search,
        String preset) {

    public ExperimentSpec(String name, DataSpec data, ModelSpec model, TrainingSpec training, SamplingSpec sampling,
            SearchSpec search) {
        this(name, data, model, training, sampling, search, null);
    }

    /** The same spec with every omitted field set to its default; validate the result. */
    public ExperimentSpec withDefaults() {
        DataSpec completeData = (data == null ? DataSpec.unset() : data).withDefaults();
        return new ExperimentSpec(
                name == null ? "experiment" : name,
                completeData,
                (model == null ? ModelSpec.unset() : model).withDefaults(completeData.resolution()),
                (training == null ? TrainingSpec.unset() : training).withDefaults(),
                (sampling == null ? SamplingSpec.unset() : sampling).withDefaults(),
                (search == null ? SearchSpec.unset() : search).withDefaults(),
                preset);
    }
}
