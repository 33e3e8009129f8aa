package dev.emm.djl;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.djl.nn.Attention;
import dev.emm.djl.nn.Conv2d;
import dev.emm.djl.nn.LabelEmbedding;
import dev.emm.djl.nn.NoiseEmbedding;
import dev.emm.djl.nn.SongUNet;
import dev.emm.djl.nn.UNetConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot as EDM's own code names it: the {@code state_dict()} of EDM's {@code VPPrecond},
 * {@code VEPrecond} or {@code EDMPrecond} around a {@code SongUNet} (EDM's
 * {@code training/networks.py}; DiffMemorize's copy adds {@code skip_connections}), written as
 * safetensors. Every key is {@code model.} plus the SongUNet's own name, e.g.
 * {@code model.enc.32x32_conv.weight}, {@code model.map_noise.freqs}, and the file holds exactly
 * the keys EDM's module has, so {@code load_state_dict(strict=True)} accepts it.
 *
 * <p>Where our layout differs, the export converts: the label embedding is stored [labelDim, out]
 * for a row lookup and EDM's {@code map_label.weight} is [out, labelDim]; the Fourier frequencies
 * are [1, n] here and [n] in EDM; the attention layers are a child block here and direct members
 * of EDM's {@code UNetBlock} ({@code norm2}, {@code qkv}, {@code proj}; the qkv channels are
 * already in EDM's [C][3] interleaved order); and EDM registers each resampling convolution's
 * FIR filter as a buffer {@code resample_filter} [1, 1, k, k] = outer(f, f) / sum(f)^2, which our
 * network computes on the fly and the export writes.
 *
 * <p>The metadata says how to build the module the weights fit: {@code edm.class_name} and
 * {@code edm.init_kwargs} (JSON, the keyword arguments of that class, as EDM's train.py passes
 * them), and {@code emm.snapshot}, the snapshot's own header without its tensor list.
 */
public final class EdmExport {

    static final String PREFIX = "model.";

    /** One entry of EDM's state_dict: where its values come from and in which layout. */
    record Entry(String name, long[] shape, Parameter source, boolean transpose, float[] constant) {
    }

    private EdmExport() {
    }

    /** The snapshot's weights under EDM's names, as a safetensors file. Needs no native engine. */
    public static byte[] safetensors(byte[] snapshot) {
        ModelSnapshot.Opened opened = ModelSnapshot.open(snapshot);
        SnapshotHeader header = opened.header();
        SongUNet net = Networks.build(header.model(), header.imageChannels(), header.resolution(), header.labelDim());
        List<TensorRecord> records = ModelSnapshot.checkTensors(header, net);
        Map<Parameter, byte[]> stored = new IdentityHashMap<>();
        int i = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            stored.put(p.getValue(), opened.reader().rawTensor(records.get(i++).size()));
        }
        opened.reader().expectEnd();

        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (Entry e : stateDict(net)) {
            byte[] data;
            if (e.constant() != null) {
                data = SafeTensors.Tensor.of(e.name(), e.shape(), e.constant()).data();
            } else if (e.transpose()) {
                data = transpose(stored.get(e.source()), (int) e.shape()[1], (int) e.shape()[0]);
            } else {
                data = stored.get(e.source());
            }
            tensors.add(new SafeTensors.Tensor(e.name(), SafeTensors.DType.F32, e.shape(), data));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("edm.class_name", precondClass(header.preconditioning()));
        metadata.put("edm.init_kwargs", Json.toString(initKwargs(header, net.config())));
        metadata.put("emm.snapshot", Json.toString(withoutTensors(header)));
        return SafeTensors.write(tensors, metadata);
    }

    /** EDM's state_dict entries of {@code net}, in EDM's registration order. */
    static List<Entry> stateDict(SongUNet net) {
        List<Entry> entries = new ArrayList<>();
        walk(net, PREFIX, entries);
        return entries;
    }

    private static void walk(Block block, String prefix, List<Entry> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            Parameter parameter = p.getValue();
            long[] shape = parameter.getShape().getShape();
            String name = prefix + p.getKey();
            if (block instanceof LabelEmbedding && p.getKey().equals("weight")) {
                out.add(new Entry(name, new long[] {shape[1], shape[0]}, parameter, true, null));
            } else if (block instanceof NoiseEmbedding) {
                out.add(new Entry(name, new long[] {parameter.getShape().size()}, parameter, false, null));
            } else {
                out.add(new Entry(name, shape, parameter, false, null));
            }
        }
        if (block instanceof Conv2d conv && conv.resamples()) {
            int[] f = conv.resampleFilter();
            out.add(new Entry(prefix + "resample_filter", new long[] {1, 1, f.length, f.length}, null, false,
                    resampleFilter(f)));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            // DJL numbers its children ("01map_noise"); EDM's names are the rest.
            String name = child.getKey().replaceFirst("^\\d+", "");
            String childPrefix;
            if (child.getValue() instanceof Attention) {
                childPrefix = prefix;
            } else if (block instanceof SongUNet && (name.startsWith("enc_") || name.startsWith("dec_"))) {
                childPrefix = prefix + name.substring(0, 3) + "." + name.substring(4) + ".";
            } else {
                childPrefix = prefix + name + ".";
            }
            walk(child.getValue(), childPrefix, out);
        }
    }

    /** EDM's Conv2d buffer: outer(f, f) / sum(f)^2, computed in float32 as torch does. */
    static float[] resampleFilter(int[] filter) {
        int k = filter.length;
        float sum = 0;
        for (int v : filter) {
            sum += v;
        }
        float norm = sum * sum;
        float[] values = new float[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                values[i * k + j] = ((float) filter[i] * (float) filter[j]) / norm;
            }
        }
        return values;
    }

    /** The keyword arguments of EDM's preconditioning class that build this network (train.py's network_kwargs). */
    static Map<String, Object> initKwargs(SnapshotHeader header, UNetConfig config) {
        ModelSpec m = header.model();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("img_resolution", header.resolution());
        kwargs.put("img_channels", header.imageChannels());
        kwargs.put("label_dim", header.labelDim());
        kwargs.put("use_fp16", false);
        kwargs.put("model_type", "SongUNet");
        kwargs.put("model_channels", config.modelChannels());
        kwargs.put("channel_mult", config.channelMult());
        kwargs.put("channel_mult_emb", config.channelMultEmb());
        kwargs.put("num_blocks", config.numBlocks());
        kwargs.put("attn_resolutions", config.attnResolutions());
        kwargs.put("dropout", config.dropout());
        kwargs.put("embedding_type", m.embeddingType());
        kwargs.put("channel_mult_noise", config.channelMultNoise());
        kwargs.put("encoder_type", config.residualEncoder() ? "residual" : "standard");
        kwargs.put("decoder_type", "standard");
        kwargs.put("resample_filter", config.resampleFilter());
        List<Integer> skips = new ArrayList<>();
        for (int i = 0; i < ModelSpec.skipConnectionCount(config.channelMult().size(), config.numBlocks()); i++) {
            skips.add(config.skipEnabled(i) ? 1 : 0);
        }
        kwargs.put("skip_connections", skips);
        return kwargs;
    }

    static String precondClass(PreconditioningType preconditioning) {
        return switch (preconditioning) {
            case VP -> "training.networks.VPPrecond";
            case VE -> "training.networks.VEPrecond";
            case EDM -> "training.networks.EDMPrecond";
        };
    }

    private static ObjectNode withoutTensors(SnapshotHeader h) {
        ObjectNode node = Json.mapper().valueToTree(h);
        node.remove("tensors");
        return node;
    }

    /** Little-endian float32 [rows, cols] to [cols, rows]. */
    private static byte[] transpose(byte[] data, int rows, int cols) {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                out.putFloat((c * rows + r) * 4, in.getFloat((r * cols + c) * 4));
            }
        }
        return out.array();
    }
}
