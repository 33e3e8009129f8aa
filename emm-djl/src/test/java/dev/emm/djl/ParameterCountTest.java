package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.djl.nn.SongUNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parameter counts against EDM's PyTorch SongUNet.
 *
 * <p>How the reference numbers were derived: EDM's training/networks.py (NVlabs/edm at commit
 * 0a2ff34f) was run read-only with Debian's python3-torch 1.13 and {@code sum(p.numel() for p in
 * net.parameters())} printed for {@code VPPrecond(img_resolution=32, img_channels=3, label_dim=0,
 * model_type='SongUNet', embedding_type='positional', encoder_type='standard',
 * decoder_type='standard', channel_mult_noise=1, resample_filter=[1,1], model_channels=128,
 * channel_mult=[2,2,2], num_blocks=2, attn_resolutions=[16], dropout=0.13)}: 35,125,251 (buffers
 * such as the Fourier frequencies are not parameters and are not counted). The other constants
 * below come from the same script with the arguments in their names (NCSN++: encoder 'residual',
 * resample filter [1,3,3,1], channel_mult_noise 2, Fourier embedding). EDM's code is not part of
 * this repository. {@link #byHand} re-derives the count from the architecture independently.
 */
class ParameterCountTest {

    static final long PAPER_DDPMPP_VP = 35_125_251L;
    static final long DDPMPP_32_COND10 = 35_126_659L;
    static final long NCSNPP_32 = 35_788_035L;
    static final long DDPMPP_16_CH32_122_B1_ATTN8_MONO = 1_259_393L;
    static final long NCSNPP_16_CH32_122_B1_ATTN8_COND5_MONO = 1_282_689L;

    private static ModelSpec spec(ModelKind kind, int channels, List<Integer> mult, int blocks, List<Integer> attn) {
        return new ModelSpec(kind, channels, mult, blocks, attn, 0.13,
                ModelKind.NCSNPP.equals(kind) ? EmbeddingType.FOURIER : EmbeddingType.POSITIONAL, null);
    }

    private static long djlCount(ModelSpec m, int imageChannels, int resolution, int labelDim) {
        SongUNet net = Networks.build(m, imageChannels, resolution, labelDim);
        return net.trainableParameterCount(); // from the DJL parameters' shapes, no initialisation needed
    }

    @Test
    void paperNetworkMatchesEdm() {
        ModelSpec paper = spec(ModelKind.DDPMPP, 128, List.of(2, 2, 2), 2, List.of(16));
        assertEquals(PAPER_DDPMPP_VP, djlCount(paper, 3, 32, 0));
        assertEquals(PAPER_DDPMPP_VP, byHand(3, 32, 0, 128, List.of(2, 2, 2), 2, List.of(16), false));
    }

    @Test
    void otherConfigurationsMatchEdm() {
        assertEquals(DDPMPP_32_COND10, djlCount(spec(ModelKind.DDPMPP, 128, List.of(2, 2, 2), 2, List.of(16)), 3, 32, 10));
        assertEquals(NCSNPP_32, djlCount(spec(ModelKind.NCSNPP, 128, List.of(2, 2, 2), 2, List.of(16)), 3, 32, 0));
        assertEquals(DDPMPP_16_CH32_122_B1_ATTN8_MONO,
                djlCount(spec(ModelKind.DDPMPP, 32, List.of(1, 2, 2), 1, List.of(8)), 1, 16, 0));
        assertEquals(NCSNPP_16_CH32_122_B1_ATTN8_COND5_MONO,
                djlCount(spec(ModelKind.NCSNPP, 32, List.of(1, 2, 2), 1, List.of(8)), 1, 16, 5));
        assertEquals(NCSNPP_32, byHand(3, 32, 0, 128, List.of(2, 2, 2), 2, List.of(16), true));
        assertEquals(NCSNPP_16_CH32_122_B1_ATTN8_COND5_MONO, byHand(1, 16, 5, 32, List.of(1, 2, 2), 1, List.of(8), true));
    }

    @Test
    void skipConnectionsDoNotChangeTheCount() {
        List<Boolean> someOff = List.of(true, false, true, false, true, true, false, true, true);
        ModelSpec m = new ModelSpec(ModelKind.DDPMPP, 128, List.of(2, 2, 2), 2, List.of(16), 0.13, EmbeddingType.POSITIONAL, someOff);
        assertEquals(PAPER_DDPMPP_VP, djlCount(m, 3, 32, 0));
    }

    /** The count from the architecture: mapping network, encoder, decoder, output head. */
    static long byHand(int img, int res, int labelDim, int mc, List<Integer> mult, int blocks, List<Integer> attn,
                       boolean ncsn) {
        long emb = 4L * mc;
        long noise = (ncsn ? 2L : 1L) * mc;
        long total = 0;
        if (labelDim > 0) {
            total += labelDim * noise + noise;
        }
        total += noise * emb + emb + emb * emb + emb;
        java.util.ArrayList<Long> skips = new java.util.ArrayList<>();
        long cout = img;
        long caux = img;
        for (int level = 0; level < mult.size(); level++) {
            int r = res >> level;
            if (level == 0) {
                total += conv(cout, mc, 3);
                cout = mc;
                skips.add(cout);
            } else {
                total += block(cout, cout, emb, false, true);
                skips.add(cout);
                if (ncsn) {
                    total += conv(caux, cout, 3);
                    caux = cout;
                }
            }
            for (int b = 0; b < blocks; b++) {
                long cin = cout;
                cout = (long) mc * mult.get(level);
                total += block(cin, cout, emb, attn.contains(r), false);
                skips.add(cout);
            }
        }
        for (int level = mult.size() - 1; level >= 0; level--) {
            int r = res >> level;
            if (level == mult.size() - 1) {
                total += block(cout, cout, emb, true, false) + block(cout, cout, emb, false, false);
            } else {
                total += block(cout, cout, emb, false, true);
            }
            for (int b = 0; b <= blocks; b++) {
                long cin = cout + skips.remove(skips.size() - 1);
                cout = (long) mc * mult.get(level);
                total += block(cin, cout, emb, b == blocks && attn.contains(r), false);
            }
        }
        total += 2 * cout + conv(cout, img, 3);
        return total;
    }

    private static long conv(long in, long out, int k) {
        return in * out * k * k + out;
    }

    private static long block(long in, long out, long emb, boolean attention, boolean resample) {
        long n = 2 * in + conv(in, out, 3) + emb * out + out + 2 * out + conv(out, out, 3);
        if (in != out || resample) {
            n += conv(in, out, 1);
        }
        if (attention) {
            n += 2 * out + conv(out, 3 * out, 1) + conv(out, out, 1);
        }
        return n;
    }
}
