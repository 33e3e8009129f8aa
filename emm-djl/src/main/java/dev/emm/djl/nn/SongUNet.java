package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.emm.core.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * EDM's SongUNet (DDPM++ and NCSN++ of Song et al.) as a DJL block, encoder "standard" or
 * "residual", decoder "standard", with DiffMemorize's switchable skip connections.
 *
 * <p>Inputs: {@code x} [N, C, R, R] (already scaled by c_in), {@code noiseLabels} [N] (c_noise) and,
 * for a conditional network, int64 {@code classLabels} [N]. Output: F(x) [N, C, R, R].
 */
public final class SongUNet extends FixedShapeBlock {

    private enum Role { CONV, BLOCK, RESIDUAL, AUX_NORM, AUX_CONV }

    private record Stage(Role role, FixedShapeBlock block, int skipIndex) {
    }

    private static final double SKIP_SCALE = Math.sqrt(0.5);
    private static final double EPS = 1e-6;

    private final UNetConfig config;
    private final NoiseEmbedding mapNoise;
    private final LabelEmbedding mapLabel;
    private final Linear mapLayer0;
    private final Linear mapLayer1;
    private final List<Stage> encoder = new ArrayList<>();
    private final List<Stage> decoder = new ArrayList<>();
    private final int[] encoderOutChannels;

    public SongUNet(UNetConfig config) {
        this.config = config;
        int emb = config.embChannels();
        int noise = config.noiseChannels();
        int[] filter = config.resampleFilter();

        mapNoise = addChildBlock("map_noise", new NoiseEmbedding(config.embedding(), noise));
        mapLabel = config.labelDim() > 0 ? addChildBlock("map_label", new LabelEmbedding(config.labelDim(), noise)) : null;
        mapLayer0 = addChildBlock("map_layer0", new Linear(noise, emb, true, InitSpec.XAVIER));
        mapLayer1 = addChildBlock("map_layer1", new Linear(emb, emb, true, InitSpec.XAVIER));

        // Encoder; a stage's skip index is the number of skips before it.
        List<Integer> skipChannels = new ArrayList<>();
        int cout = config.inChannels();
        int caux = config.inChannels();
        for (int level = 0; level < config.channelMult().size(); level++) {
            int res = config.resolution() >> level;
            String at = "enc_" + res + "x" + res;
            if (level == 0) {
                int cin = cout;
                cout = config.modelChannels();
                add(encoder, at + "_conv", Role.CONV, new Conv2d(cin, cout, 3, InitSpec.XAVIER), skipChannels.size());
                skipChannels.add(cout);
            } else {
                add(encoder, at + "_down", Role.BLOCK, block(cout, cout, false, true, false), skipChannels.size());
                skipChannels.add(cout);
                if (config.residualEncoder()) {
                    add(encoder, at + "_aux_residual", Role.RESIDUAL,
                            new Conv2d(caux, cout, 3, true, false, true, filter, true, InitSpec.XAVIER),
                            skipChannels.size() - 1);
                    caux = cout;
                }
            }
            for (int idx = 0; idx < config.numBlocks(); idx++) {
                int cin = cout;
                cout = config.modelChannels() * config.channelMult().get(level);
                add(encoder, at + "_block" + idx, Role.BLOCK,
                        block(cin, cout, false, false, config.attnResolutions().contains(res)), skipChannels.size());
                skipChannels.add(cout);
            }
        }
        encoderOutChannels = skipChannels.stream().mapToInt(Integer::intValue).toArray();

        // Decoder; blocks after the first at each level take the most recent pending skip.
        int levels = config.channelMult().size();
        for (int level = levels - 1; level >= 0; level--) {
            int res = config.resolution() >> level;
            String at = "dec_" + res + "x" + res;
            if (level == levels - 1) {
                add(decoder, at + "_in0", Role.BLOCK, block(cout, cout, false, false, true), -1);
                add(decoder, at + "_in1", Role.BLOCK, block(cout, cout, false, false, false), -1);
            } else {
                add(decoder, at + "_up", Role.BLOCK, block(cout, cout, true, false, false), -1);
            }
            for (int idx = 0; idx <= config.numBlocks(); idx++) {
                int popped = skipChannels.size() - 1;
                int cin = cout + skipChannels.remove(popped);
                cout = config.modelChannels() * config.channelMult().get(level);
                boolean attn = idx == config.numBlocks() && config.attnResolutions().contains(res);
                add(decoder, at + "_block" + idx, Role.BLOCK, block(cin, cout, false, false, attn), popped);
            }
            if (level == 0) {
                add(decoder, at + "_aux_norm", Role.AUX_NORM, new GroupNorm(cout, EPS), -1);
                add(decoder, at + "_aux_conv", Role.AUX_CONV,
                        new Conv2d(cout, config.outChannels(), 3, InitSpec.NEAR_ZERO), -1);
            }
        }
    }

    /** Registers {@code block} as the child {@code name} and appends it to {@code stages}. */
    private void add(List<Stage> stages, String name, Role role, FixedShapeBlock block, int skipIndex) {
        stages.add(new Stage(role, addChildBlock(name, block), skipIndex));
    }

    private UNetBlock block(int cin, int cout, boolean up, boolean down, boolean attention) {
        return new UNetBlock(cin, cout, config.embChannels(), up, down, attention, config.dropout(), SKIP_SCALE, EPS,
                config.resampleFilter());
    }

    public UNetConfig config() {
        return config;
    }

    /** Initialises every parameter from {@code seed} (Java-side random stream, device independent). */
    public void initialize(NDManager manager, DataType dataType, long seed) {
        EdmInit.seed(seed);
        Shape x = new Shape(1, config.inChannels(), config.resolution(), config.resolution());
        if (config.labelDim() > 0) {
            initialize(manager, dataType, x, new Shape(1), new Shape(1));
        } else {
            initialize(manager, dataType, x, new Shape(1));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray labels = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), labels, training));
    }

    /**
     * F(x; noise, labels); inputs are not closed. {@code classLabels} may be null. Activations are
     * closed as soon as no stage needs them; the small embedding arrays [N, emb] live in the inputs'
     * manager until the caller closes it.
     */
    public NDArray apply(ParameterStore ps, NDArray input, NDArray noiseLabels, NDArray classLabels, boolean training) {
        // Mapping.
        NDArray emb = mapNoise.apply(ps, noiseLabels, training);
        if (mapLabel != null) {
            // EDM feeds a zero label vector when none is given: only the bias remains.
            emb = emb.add(classLabels != null ? mapLabel.apply(ps, classLabels, training)
                    : mapLabel.biasOnly(ps, emb, training));
        }
        emb = ScriptOps.silu(mapLayer0.apply(ps, emb, training), training);
        emb = ScriptOps.silu(mapLayer1.apply(ps, emb, training), training);

        // Encoder.
        NDArray[] skips = new NDArray[ModelSpec.skipConnectionCount(config.channelMult().size(), config.numBlocks())];
        NDArray x = input;
        NDArray aux = input;
        for (Stage stage : encoder) {
            NDArray old = x;
            NDArray oldAux = aux;
            switch (stage.role()) {
                case CONV -> x = ((Conv2d) stage.block()).apply(ps, x, training);
                case RESIDUAL -> {
                    try (NDArray t = ((Conv2d) stage.block()).apply(ps, aux, training); NDArray sum = x.add(t)) {
                        x = Ops.scale(sum, SKIP_SCALE);
                    }
                    aux = x;
                }
                default -> x = ((UNetBlock) stage.block()).apply(ps, x, emb, training);
            }
            if (config.skipEnabled(stage.skipIndex())) {
                skips[stage.skipIndex()] = x;
            }
            release(old, input, x, aux, skips);
            release(oldAux, input, x, aux, skips);
        }

        // Decoder.
        NDArray normed = null;
        NDArray out = null;
        for (Stage stage : decoder) {
            switch (stage.role()) {
                case AUX_NORM -> normed = ((GroupNorm) stage.block()).applySilu(ps, x, training);
                case AUX_CONV -> {
                    out = ((Conv2d) stage.block()).apply(ps, normed, training);
                    normed.close();
                }
                default -> {
                    UNetBlock block = (UNetBlock) stage.block();
                    if (stage.skipIndex() < 0) {
                        NDArray old = x;
                        x = block.apply(ps, x, emb, training);
                        release(old, input, x, aux, skips);
                    } else {
                        NDArray in = withSkip(x, skips, stage.skipIndex(), input, aux);
                        release(x, input, null, aux, skips);
                        x = block.apply(ps, in, emb, training);
                        in.close();
                    }
                }
            }
        }
        release(x, input, null, aux, skips);
        release(aux, input, null, null, skips);
        return out;
    }

    /** x concatenated with pending skip {@code index} (zeros where that skip is switched off), which is released. */
    private NDArray withSkip(NDArray x, NDArray[] skips, int index, NDArray input, NDArray aux) {
        NDArray skip = skips[index];
        skips[index] = null;
        if (skip == null) {
            Shape s = x.getShape();
            try (NDArray zeros = x.getManager().zeros(new Shape(s.get(0), encoderOutChannels[index], s.get(2), s.get(3)),
                    x.getDataType(), x.getDevice())) {
                return x.concat(zeros, 1);
            }
        }
        NDArray in = x.concat(skip, 1);
        release(skip, input, x, aux, skips);
        return in;
    }

    /** Closes {@code a} unless it is the caller's input or still held as x, aux or a pending skip. */
    private static void release(NDArray a, NDArray input, NDArray x, NDArray aux, NDArray[] skips) {
        if (a == null || a == input || a == x || a == aux) {
            return;
        }
        for (NDArray s : skips) {
            if (s == a) {
                return;
            }
        }
        a.close();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), config.outChannels(), s.get(2), s.get(3))};
    }
}
