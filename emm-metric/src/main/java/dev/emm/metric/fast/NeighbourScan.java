package dev.emm.metric.fast;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.emm.core.data.ImageSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The block loop both kernels share: training images uploaded once in blocks, samples block by
 * block, one product per pair of blocks and a running top-2 (or top-k) per sample, so memory
 * stays bounded (one block of products, never an N x M matrix). Both kernels multiply centred
 * pixels (p - 128); a kernel decides how its operands are made and laid out and how a block of
 * products is scanned.
 */
abstract class NeighbourScan {

    final ImageSet samples;
    final ImageSet training;
    final long[] sampleNorms;
    final long[] trainingNorms;
    final FastNearestNeighbours.Options options;
    final Device device;
    final long[] nearest;
    final long[] second;
    final int[] index;
    final int dimension;
    int fallbacks;
    long gemmNanos;

    NeighbourScan(ImageSet samples, ImageSet training, long[] sampleNorms, long[] trainingNorms,
            FastNearestNeighbours.Options options, Device device, long[] nearest, long[] second, int[] index) {
        this.samples = samples;
        this.training = training;
        this.sampleNorms = sampleNorms;
        this.trainingNorms = trainingNorms;
        this.options = options;
        this.device = device;
        this.nearest = nearest;
        this.second = second;
        this.index = index;
        this.dimension = samples.dimension();
    }

    void run() {
        int d = dimension;
        int trainingBlock = options.trainingBlock();
        int sampleBlock = options.sampleBlock();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            // Each array is a torch-owned copy of the staging buffer, so the buffer is reused.
            List<NDArray> blocks = new ArrayList<>();
            ByteBuffer staging = ByteBuffer.allocateDirect(Math.max(Math.min(training.size(), trainingBlock),
                    Math.min(samples.size(), sampleBlock)) * d).order(ByteOrder.nativeOrder());
            for (int t0 = 0; t0 < training.size(); t0 += trainingBlock) {
                int count = Math.min(trainingBlock, training.size() - t0);
                blocks.add(trainingOperand(manager, staging, t0, count));
            }
            for (int s0 = 0; s0 < samples.size(); s0 += sampleBlock) {
                int count = Math.min(sampleBlock, samples.size() - s0);
                try (NDManager blockManager = manager.newSubManager()) {
                    NDArray sampleOperand = sampleOperand(blockManager, staging, s0, count);
                    startSampleBlock(s0, count);
                    int t0 = 0;
                    for (NDArray trainingRows : blocks) {
                        int rows = (int) trainingRows.getShape().get(0);
                        scanBlock(trainingRows, sampleOperand, t0, rows, s0, count);
                        t0 += rows;
                    }
                    finishSampleBlock(s0, count);
                }
            }
        }
    }

    /** The left factor of every product for the training images t0 .. t0+count-1, owned by {@code manager}. */
    abstract NDArray trainingOperand(NDManager manager, ByteBuffer staging, int t0, int count);

    /** The right factor, [d, count], for the samples s0 .. s0+count-1, owned by {@code manager}. */
    abstract NDArray sampleOperand(NDManager manager, ByteBuffer staging, int s0, int count);

    abstract void startSampleBlock(int s0, int count);

    /**
     * One product of a training block and a sample block (timed), then its columns scanned in two
     * halves in parallel: the product already used every core and is done, and each sample's running
     * best is its own, so the halves share nothing they write.
     */
    private void scanBlock(NDArray trainingRows, NDArray sampleOperand, int t0, int rows, int s0, int count) {
        long begin = System.nanoTime();
        multiply(trainingRows, sampleOperand, rows * count);
        gemmNanos += System.nanoTime() - begin;
        int parts = count >= 256 ? 2 : 1;
        int width = (count + parts - 1) / parts;
        IntStream.range(0, parts).parallel().forEach(part ->
                scanColumns(t0, rows, s0, count, part * width, Math.min(count, (part + 1) * width)));
    }

    /** The block's products, {@code rows x count} row-major, into the kernel's own reused array. */
    abstract void multiply(NDArray trainingRows, NDArray sampleOperand, int size);

    /** Scans the products of sample columns {@code from .. to - 1} of the block. */
    abstract void scanColumns(int t0, int rows, int s0, int count, int from, int to);

    abstract void finishSampleBlock(int s0, int count);
}
