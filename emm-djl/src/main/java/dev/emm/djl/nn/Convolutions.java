package dev.emm.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs every convolution of the networks (stride and padding the same in both spatial axes,
 * dilation 1).
 *
 * <p>On the CPU, libtorch 2.7.1's oneDNN backward pass gives a wrong input gradient for a
 * non-grouped convolution whose output channel count is not a multiple of oneDNN's channel block
 * (16 with AVX-512, 8 with AVX2): measured on an AMD EPYC (family 26, AVX-512) for 3x3 stride-1
 * convolutions with 1, 2, 3, 8, 15 and 17 output channels, the gradient was off by 18% to 100% of
 * its largest value, with NaNs, at one and two threads and with oneDNN capped at AVX2; with 16
 * output channels, 1x1 kernels and depthwise filters it was exact, and PyTorch 1.13 on the same
 * machine was exact. The error changes from run to run, as a read of uninitialised memory would: it
 * made training on that machine fail to converge at one thread and not repeat itself at two (a
 * resumed run left its undisturbed twin). Every SongUNet has such a layer, the output convolution
 * to the image channels. While gradients are recorded, such a convolution therefore runs with its
 * output channels padded to the block by zero filters and zero biases, and the result keeps the real
 * channels: the padded input gradient is exact, and the zero filters get a gradient nobody reads.
 * Inference (no gradient) and the GPU run the convolution as it is.
 */
final class Convolutions {

    /** oneDNN's largest channel block for f32 (AVX-512); AVX2's, 8, divides it. */
    static final int CHANNEL_BLOCK = 16;

    private Convolutions() {
    }

    /**
     * {@code conv2d(x, w, b, stride, pad, groups)}: x [N, C, H, W], w [O, C / groups, k, k], b [O]
     * or null. No input is closed.
     */
    static NDArray convolve(NDArray x, NDArray w, NDArray b, int stride, int pad, int groups) {
        long outChannels = w.getShape().get(0);
        long padded = (outChannels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK * CHANNEL_BLOCK;
        if (groups != 1 || padded == outChannels || x.getDevice().isGpu() || !JniUtils.isGradMode()) {
            return engineConvolution(x, w, b, stride, pad, groups);
        }
        Shape ws = w.getShape();
        Shape zeroFilterShape = new Shape(padded - outChannels, ws.get(1), ws.get(2), ws.get(3));
        NDArray zeroFilters = Ops.constant("zeroFilters" + zeroFilterShape, w.getDevice(), w.getDataType(),
                m -> m.zeros(zeroFilterShape));
        NDArray paddedWeight = w.concat(zeroFilters, 0);
        NDArray paddedBias = null;
        if (b != null) {
            NDArray zeroBiases = Ops.constant("zeroBiases" + (padded - outChannels), w.getDevice(), w.getDataType(),
                    m -> m.zeros(new Shape(padded - outChannels)));
            paddedBias = b.concat(zeroBiases, 0);
        }
        NDArray paddedOutput = engineConvolution(x, paddedWeight, paddedBias, stride, pad, groups);
        NDArray output = paddedOutput.get(new NDIndex(":, :{}", outChannels));
        paddedOutput.close();
        paddedWeight.close();
        if (paddedBias != null) {
            paddedBias.close();
        }
        return output;
    }

    private static NDArray engineConvolution(NDArray x, NDArray w, NDArray b, int stride, int pad, int groups) {
        return x.getNDArrayInternal().convolution(x, w, b, new Shape(stride, stride), new Shape(pad, pad),
                new Shape(1, 1), groups).head();
    }
}
