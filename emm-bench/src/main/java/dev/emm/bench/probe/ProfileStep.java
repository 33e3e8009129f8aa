package dev.emm.bench.probe;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.data.Resampling;
import dev.emm.core.spec.DurationUnit;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.core.spec.ResamplingMethod;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.djl.RunProgress;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/** Writes a libtorch autograd-profiler trace (chrome JSON) of a few training steps: args out.json [channels]. */
public final class ProfileStep {

    public static void main(String[] args) throws Exception {
        int channels = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        ImageSet images;
        try (InputStream in = ProfileStep.class.getResourceAsStream("/dev/emm/core/data/mnist.emmds.gz")) {
            ImageSet all = ImageSetCodec.read(in);
            int d = all.dimension();
            images = Resampling.toResolution(new ImageSet(1, 28, 28, 10, Arrays.copyOf(all.labels(), 64),
                    Arrays.copyOf(all.pixels(), 64 * d)), 16, ResamplingMethod.AREA);
        }
        ModelSpec model = new ModelSpec(ModelKind.DDPMPP, channels, List.of(1, 2, 2), 1, List.of(), 0.0, EmbeddingType.POSITIONAL, null);
        int[] step = {0};
        TrainingSpec training = new TrainingSpec(PreconditioningType.EDM, 2e-3, 0L, batch, null, null, null, 0.0, null, null, 0L, DurationUnit.STEPS,
                30L, null, null);
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null, new TrainingRun.Options(Device.cpu(), 0))) {
            run.run(new TrainingListener() {
                @Override
                public void progress(RunProgress p) {
                    if (p.step() == 20) {
                        JniUtils.startProfile(false, false, false);
                    }
                    if (p.step() == 30) {
                        JniUtils.stopProfile(args[0]);
                    }
                }
            });
        }
    }
}
