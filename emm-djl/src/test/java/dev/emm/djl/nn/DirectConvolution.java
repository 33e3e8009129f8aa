package dev.emm.djl.nn;

/**
 * Test oracle: a stride-1, "same"-padded, non-grouped 2-D convolution and its gradients as direct
 * sums in double precision, for x [N, C, H, W], w [O, C, k, k] (k odd), b [O] and an upstream
 * gradient g [N, O, H, W] of L = sum(conv(x) * g).
 */
record DirectConvolution(int batch, int inChannels, int outChannels, int size, int kernel) {

    double[] output(float[] x, float[] w, float[] b) {
        double[] y = new double[batch * outChannels * size * size];
        accumulate(x, w, null, y, null, null);
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i / (size * size) % outChannels];
        }
        return y;
    }

    double[] inputGradient(float[] w, float[] g) {
        double[] gx = new double[batch * inChannels * size * size];
        accumulate(null, w, g, null, gx, null);
        return gx;
    }

    double[] weightGradient(float[] x, float[] g) {
        double[] gw = new double[outChannels * inChannels * kernel * kernel];
        accumulate(x, null, g, null, null, gw);
        return gw;
    }

    double[] biasGradient(float[] g) {
        double[] gb = new double[outChannels];
        for (int i = 0; i < g.length; i++) {
            gb[i / (size * size) % outChannels] += g[i];
        }
        return gb;
    }

    /** One loop over every (output pixel, input channel, tap) pair, adding to whichever target is given. */
    private void accumulate(float[] x, float[] w, float[] g, double[] y, double[] gx, double[] gw) {
        int half = kernel / 2;
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outChannels; o++) {
                for (int h = 0; h < size; h++) {
                    for (int v = 0; v < size; v++) {
                        int yi = ((n * outChannels + o) * size + h) * size + v;
                        for (int c = 0; c < inChannels; c++) {
                            for (int kh = 0; kh < kernel; kh++) {
                                for (int kw = 0; kw < kernel; kw++) {
                                    int ih = h + kh - half;
                                    int iw = v + kw - half;
                                    if (ih < 0 || iw < 0 || ih >= size || iw >= size) {
                                        continue;
                                    }
                                    int xi = ((n * inChannels + c) * size + ih) * size + iw;
                                    int wi = ((o * inChannels + c) * kernel + kh) * kernel + kw;
                                    if (y != null) {
                                        y[yi] += (double) x[xi] * w[wi];
                                    }
                                    if (gx != null) {
                                        gx[xi] += (double) g[yi] * w[wi];
                                    }
                                    if (gw != null) {
                                        gw[wi] += (double) g[yi] * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
