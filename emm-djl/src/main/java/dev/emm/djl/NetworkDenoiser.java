package dev.emm.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.emm.core.sampling.Denoiser;
import dev.emm.djl.nn.SongUNet;

/**
 * D(x; sigma) of a trained network, loaded from {@link ModelSnapshot} bytes alone (the header carries
 * the model spec, preconditioning, image shape and label count). Evaluates in float32, in inference
 * mode (no dropout), so each row depends on its own input only. Calls are serialised; close it to
 * free the native weights.
 */
public final class NetworkDenoiser implements Denoiser, AutoCloseable {

    private final SnapshotHeader header;
    private final NDManager manager;
    private final DiffusionModel model;
    private final int channels;
    private final int resolution;

    public NetworkDenoiser(byte[] snapshot) {
        this(snapshot, null);
    }

    /** @param device null for {@link DjlRuntime#defaultDevice()} */
    public NetworkDenoiser(byte[] snapshot, Device device) {
        DjlRuntime.engine();
        SnapshotHeader h = ModelSnapshot.header(snapshot);
        this.channels = h.imageChannels();
        this.resolution = h.resolution();
        this.manager = NDManager.newBaseManager(device != null ? device : DjlRuntime.defaultDevice());
        boolean ok = false;
        try {
            SongUNet net = Networks.build(h.model(), channels, resolution, h.labelDim());
            net.initialize(manager, DataType.FLOAT32, 0);
            this.header = ModelSnapshot.load(snapshot, net);
            this.model = new DiffusionModel(net, Preconditioning.of(h.preconditioning()));
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    public SnapshotHeader header() {
        return header;
    }

    @Override
    public int labelDim() {
        return header.labelDim();
    }

    @Override
    public double sigmaMin() {
        return model.preconditioning().sigmaMin();
    }

    @Override
    public double sigmaMax() {
        return model.preconditioning().sigmaMax();
    }

    public int dimension() {
        return channels * resolution * resolution;
    }

    @Override
    public synchronized double[][] denoise(double[][] noisy, double sigma, int[] classLabels) {
        int rows = noisy.length;
        if (rows == 0) {
            return new double[0][];
        }
        int d = dimension();
        float[] flat = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            if (noisy[r].length != d) {
                throw new IllegalArgumentException("row " + r + " has " + noisy[r].length + " values, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                flat[r * d + j] = (float) noisy[r][j];
            }
        }
        float[] out;
        try (GradModeOff noGrad = new GradModeOff(); NDManager call = manager.newSubManager()) {
            NDArray x = call.create(flat, new Shape(rows, channels, resolution, resolution));
            NDArray sigmas = call.full(new Shape(rows, 1, 1, 1), (float) sigma);
            NDArray labels = null;
            if (header.labelDim() > 0 && classLabels != null) {
                if (classLabels.length != rows) {
                    throw new IllegalArgumentException(classLabels.length + " labels for " + rows + " rows");
                }
                long[] l = new long[rows];
                for (int r = 0; r < rows; r++) {
                    if (classLabels[r] < 0 || classLabels[r] >= header.labelDim()) {
                        throw new IllegalArgumentException("class label " + classLabels[r] + " outside [0, "
                                + header.labelDim() + ")");
                    }
                    l[r] = classLabels[r];
                }
                labels = call.create(l);
            }
            NDArray result = model.denoise(new ParameterStore(call, false), x, sigmas, labels, false);
            out = result.toFloatArray();
        }
        double[][] result = new double[rows][d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                result[r][j] = out[r * d + j];
            }
        }
        return result;
    }

    @Override
    public void close() {
        manager.close();
    }
}
