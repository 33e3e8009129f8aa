package dev.emm.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.emm.core.data.ImageSet;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.SpecValidator;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.core.training.TrainingSchedule;
import dev.emm.djl.nn.SongUNet;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One training run (M, T, D) on DJL's PyTorch engine, EDM's training loop in the essentials:
 *
 * <ul>
 * <li>Loss: EDM's VP/VE/EDM loss with its sigma distribution and weighting; the batch loss
 *     {@code sum / batch} is back-propagated.
 * <li>Gradients: {@code nan_to_num(grad, nan=0, posinf=1e5, neginf=-1e5)} before every optimizer
 *     step, as the paper's loop does.
 * <li>Optimiser: Adam with PyTorch's update rule (bias-corrected moments, eps added to the
 *     corrected root, L2 weight decay added to the gradient as {@code torch.optim.Adam} does), at
 *     the learning rate {@link TrainingSchedule#learningRate(long)} of the images seen before the step.
 * <li>EMA: {@code ema = lerp(w, ema, beta)} after each step with beta = {@link TrainingSchedule#emaBeta(long)}
 *     (the paper's four modes, EDM's ramp); when the schedule keeps no EMA, snapshots hold the
 *     trained weights ({@link SnapshotHeader#weights()} says which).
 * <li>Data: the run's images in a random order (a permutation from the seed and the epoch number, or
 *     the first epoch's permutation every epoch with {@code dataOrder} fixed), batches taken
 *     consecutively across epoch boundaries; no augmentation.
 * <li>Duration: {@link TrainingSchedule#totalImages()}; the run takes {@code ceil(images / batch)} steps.
 * </ul>
 *
 * <p>Randomness: initial weights from the seed (Java stream, device independent); every step reseeds
 * the engine's generator from (seed, step), so a checkpoint's random state is just those two numbers
 * and a resumed run repeats the uninterrupted one exactly on the same device, thread count and shard count.
 *
 * <p>Memory: each step's arrays live in a sub-manager closed at the end of the step, which frees the
 * small ones (noise levels, coefficients, embeddings); the network closes its activations as soon
 * as they are consumed. Autograd records only while a shard computes its loss and gradient
 * ({@link ShardedGradients}): the run switches grad mode off on its thread ({@link GradModeOff}), else
 * the loss accumulated across steps would keep every step's graph. Only one run may train at a time
 * in a process (the engine's generator is process-wide).
 */
public final class TrainingRun implements AutoCloseable {

    public static final String CHECKPOINT_FORMAT = "emm-djl-checkpoint";
    public static final int CHECKPOINT_VERSION = 1;
    static final String CHECKPOINT_MAGIC = "EMMCKP";
    private static final System.Logger LOG = System.getLogger(TrainingRun.class.getName());

    /**
     * @param device null for {@link DjlRuntime#defaultDevice()}
     * @param progressIntervalMillis minimum time between progress reports (0: every step)
     * @param shards how many threads compute a step's gradient, each on its part of the batch (1 or 2;
     *               {@link ShardedGradients}); 0 for what {@code EMM_TRAIN_SHARDS} asks (1 when unset).
     *               A GPU and a network with dropout always train in one shard.
     */
    public record Options(Device device, long progressIntervalMillis, int shards) {
        public Options(Device device, long progressIntervalMillis) {
            this(device, progressIntervalMillis, 0);
        }

        public static Options defaults() {
            return new Options(null, 2000);
        }
    }

    private final ModelSpec model;
    private final TrainingSpec training;
    private final TrainingSchedule schedule;
    private final Preconditioning preconditioning;
    private final Options options;
    private final Device device;
    private final NDManager manager;
    private final SongUNet net;
    private final DiffusionModel diffusion;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Parameter> trainables = new ArrayList<>();
    private final List<NDArray> adamMean = new ArrayList<>();
    private final List<NDArray> adamVariance = new ArrayList<>();
    private final List<NDArray> ema;
    private final NDArray data;
    private final int[] labels;
    private final int labelDim;
    private final int imageChannels;
    private final int resolution;
    private final int datasetSize;
    private final long datasetCrc;
    private final int batchSize;
    private final long totalImages;
    private final long totalSteps;
    private final NDArray lossAccumulator;
    private final ForeachOptimizer optimizer;
    private final ShardedGradients gradients;
    private volatile boolean cancelled;

    private long step;
    private long images;
    private int snapshotsEmitted;
    private long nextSnapshotImages;
    private long nextCheckpointImages;
    private int[] permutation;
    private long permutationEpoch = -1;

    public TrainingRun(ModelSpec model, TrainingSpec training, ImageSet images, int[] labels, int labelDim,
                       byte[] checkpoint) {
        this(model, training, images, labels, labelDim, checkpoint, Options.defaults());
    }

    /**
     * @param model the model spec M (defaults are filled in); kind ddpmpp or ncsnpp
     * @param training the training spec T (defaults are filled in)
     * @param images the training set D, already at the run's resolution (square)
     * @param labels one class per image in [0, labelDim) when labelDim > 0, else ignored (may be null)
     * @param labelDim 0 for an unconditional network, else the number of classes
     * @param checkpoint bytes of a checkpoint of this very run to resume from, or null
     */
    public TrainingRun(ModelSpec model, TrainingSpec training, ImageSet images, int[] labels, int labelDim,
                       byte[] checkpoint, Options options) {
        this.model = SpecValidator.completedModel(Objects.requireNonNull(model, "model"), images.height());
        this.training = SpecValidator.completedTraining(Objects.requireNonNull(training, "training"));
        this.options = options == null ? Options.defaults() : options;
        if (this.model.isOptimum()) {
            throw new IllegalArgumentException("the optimum model kind is not a network; it needs no training");
        }
        if (images.height() != images.width()) {
            throw new IllegalArgumentException("images must be square, got " + images.height() + "x" + images.width());
        }
        if (images.size() < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (labelDim < 0) {
            throw new IllegalArgumentException("labelDim must not be negative");
        }
        this.labelDim = labelDim;
        if (labelDim > 0) {
            Objects.requireNonNull(labels, "labels are required when labelDim > 0");
            if (labels.length != images.size()) {
                throw new IllegalArgumentException(labels.length + " labels for " + images.size() + " images");
            }
            for (int label : labels) {
                if (label < 0 || label >= labelDim) {
                    throw new IllegalArgumentException("label " + label + " outside [0, " + labelDim + ")");
                }
            }
            this.labels = labels.clone();
        } else {
            this.labels = null;
        }
        this.preconditioning = Preconditioning.of(this.training.preconditioning());
        this.imageChannels = images.channels();
        this.resolution = images.height();
        this.datasetSize = images.size();
        this.datasetCrc = crc(images, this.labels);
        this.schedule = TrainingSchedule.of(this.training, datasetSize);
        this.batchSize = schedule.batchSize();
        this.totalImages = schedule.totalImages();
        this.totalSteps = schedule.totalSteps();

        DjlRuntime.engine();
        this.device = this.options.device() != null ? this.options.device() : DjlRuntime.defaultDevice();
        int shards = ShardedGradients.effective(this.options.shards(), device.isGpu(), this.model.dropout());
        LOG.log(Level.INFO, "training {0} ({1}) on {2}: |D| = {3}, batch {4}, {5} steps, {6} shard(s) per step",
                this.model.kind(), this.training.preconditioning(), device, datasetSize, batchSize, totalSteps, shards);
        this.manager = NDManager.newBaseManager(device);
        boolean ok = false;
        try {
            this.net = Networks.build(this.model, imageChannels, resolution, labelDim);
            this.net.initialize(manager, DataType.FLOAT32, this.training.seed());
            this.diffusion = new DiffusionModel(net, preconditioning);
            for (Pair<String, Parameter> p : net.getParameters()) {
                parameters.add(p.getValue());
                if (p.getValue().requiresGradient()) {
                    trainables.add(p.getValue());
                    adamMean.add(manager.zeros(p.getValue().getShape(), DataType.FLOAT32));
                    adamVariance.add(manager.zeros(p.getValue().getShape(), DataType.FLOAT32));
                }
            }
            this.ema = schedule.emaActive() ? new ArrayList<>() : null;
            if (ema != null) {
                for (Parameter p : trainables) {
                    try (NDArray detached = p.getArray().stopGradient()) {
                        ema.add(detached.duplicate());
                    }
                }
            }
            this.data = upload(images);
            this.lossAccumulator = manager.zeros(new Shape(), DataType.FLOAT32);
            this.nextSnapshotImages = snapshotEvery() > 0 ? snapshotEvery() : Long.MAX_VALUE;
            this.nextCheckpointImages = checkpointEvery() > 0 ? checkpointEvery() : Long.MAX_VALUE;
            if (checkpoint != null) {
                try {
                    restore(checkpoint);
                } catch (IllegalArgumentException | Json.MalformedJsonException e) {
                    throw new UnusableCheckpointException(e.getMessage(), e);
                }
            }
            this.optimizer = new ForeachOptimizer(device, trainables.stream().map(Parameter::getArray).toList(),
                    adamMean, adamVariance, ema);
            this.gradients = new ShardedGradients(diffusion, shards);
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    public Device device() {
        return device;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long totalImages() {
        return totalImages;
    }

    public long step() {
        return step;
    }

    public long images() {
        return images;
    }

    /** The learning-rate, EMA, duration and data-order schedule this run follows. */
    public TrainingSchedule schedule() {
        return schedule;
    }

    public long trainableParameterCount() {
        return net.trainableParameterCount();
    }

    /** Asks the run to stop after the current step; {@link #run} then returns with completed = false. */
    public void cancel() {
        cancelled = true;
    }

    /** The number of snapshots a complete run emits, given the spec and |D| (for the caller's bookkeeping). */
    public static int plannedSnapshots(long totalImages, int batchSize, Long snapshotEveryImages) {
        long steps = (totalImages + batchSize - 1) / batchSize;
        if (snapshotEveryImages == null || snapshotEveryImages <= 0) {
            return 1;
        }
        int count = 0;
        long next = snapshotEveryImages;
        boolean lastAtEnd = false;
        for (long s = 1; s <= steps; s++) {
            long seen = s * batchSize;
            lastAtEnd = false;
            if (seen >= next) {
                count++;
                next = (seen / snapshotEveryImages + 1) * snapshotEveryImages;
                lastAtEnd = true;
            }
        }
        return lastAtEnd ? count : count + 1;
    }

    public int plannedSnapshots() {
        return plannedSnapshots(totalImages, batchSize, training.snapshotEveryImages());
    }

    /**
     * Trains until the duration is reached or {@link #cancel()} is called. The calling thread takes
     * the process's libtorch settings ({@link DjlRuntime#applyThreadSettings()}); grad mode is off on
     * it for the run (restored afterwards) and on only while a shard computes its loss and gradient.
     */
    public TrainingOutcome run(TrainingListener listener) {
        DjlRuntime.applyThreadSettings();
        try (GradModeOff noGrad = new GradModeOff()) {
            return train(listener == null ? new TrainingListener() { } : listener);
        }
    }

    private TrainingOutcome train(TrainingListener l) {
        long reportTime = System.nanoTime();
        long reportImages = images;
        long reportSteps = 0;
        double learningRate = 0;
        double emaBeta = 0;
        int chw = imageChannels * resolution * resolution;
        while (step < totalSteps && !cancelled) {
            try (NDManager stepManager = manager.newSubManager()) {
                JniUtils.setSeed(stepSeed(training.seed(), step));
                long[] batch = batchIndices(images, batchSize);
                NDArray index = stepManager.create(batch);
                NDArray flat = index.getNDArrayInternal().embedding(index, data, SparseFormat.DENSE).head();
                NDArray y = flat.reshape(batchSize, imageChannels, resolution, resolution);
                flat.close();
                NDArray batchLabels = null;
                if (labels != null) {
                    long[] labelsOfBatch = new long[batchSize];
                    for (int i = 0; i < batchSize; i++) {
                        labelsOfBatch[i] = labels[(int) batch[i]];
                    }
                    batchLabels = stepManager.create(labelsOfBatch);
                }
                NDArray loss = gradients.lossAndGradients(stepManager, y, batchLabels);
                learningRate = schedule.learningRate(images);
                optimizerStep(learningRate);
                emaBeta = schedule.emaBeta(images);
                if (ema != null) {
                    optimizer.ema(emaBeta);
                }
                NDArray perPixel = loss.div(chw);
                lossAccumulator.addi(perPixel);
                perPixel.close();
            }
            step++;
            images += batchSize;
            reportSteps++;
            boolean last = step == totalSteps;
            long now = System.nanoTime();
            if (last || now - reportTime >= options.progressIntervalMillis() * 1_000_000L) {
                double lossMean = lossAccumulator.getFloat() / reportSteps;
                lossAccumulator.set(new float[] {0f});
                double seconds = Math.max(1e-9, (now - reportTime) / 1e9);
                l.progress(new RunProgress(step, totalSteps, images, totalImages, lossMean,
                        (images - reportImages) / seconds, learningRate, ema != null ? emaBeta : 0));
                reportTime = System.nanoTime();
                reportImages = images;
                reportSteps = 0;
            }
            boolean snapshotDue = images >= nextSnapshotImages;
            if (snapshotDue || last) {
                snapshotsEmitted++;
                if (snapshotDue) {
                    nextSnapshotImages = (images / snapshotEvery() + 1) * snapshotEvery();
                }
                l.snapshot(snapshotsEmitted, snapshot());
            }
            if (!last && images >= nextCheckpointImages) {
                nextCheckpointImages = (images / checkpointEvery() + 1) * checkpointEvery();
                l.checkpoint(checkpoint());
            }
        }
        return new TrainingOutcome(step == totalSteps, step, images, snapshotsEmitted);
    }

    private void optimizerStep(double lr) {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (Parameter p : trainables) {
            grads.add(p.getArray().getGradient());
        }
        try {
            optimizer.adam(grads, lr, training.adamBeta1(), training.adamBeta2(), training.adamEps(),
                    training.weightDecay(), step + 1);
        } finally {
            grads.forEach(NDArray::close);
        }
    }

    private long snapshotEvery() {
        Long s = training.snapshotEveryImages();
        return s == null ? 0 : s;
    }

    private long checkpointEvery() {
        Long c = training.checkpointEveryImages();
        return c == null ? 0 : c;
    }

    /** The image indices of the batch starting at stream position {@code position}. */
    long[] batchIndices(long position, int size) {
        long[] result = new long[size];
        for (int i = 0; i < size; i++) {
            long q = position + i;
            long epoch = schedule.fixedDataOrder() ? 0 : q / datasetSize;
            if (epoch != permutationEpoch) {
                permutation = permutation(training.seed(), epoch, datasetSize);
                permutationEpoch = epoch;
            }
            result[i] = permutation[(int) (q % datasetSize)];
        }
        return result;
    }

    static int[] permutation(long seed, long epoch, int n) {
        SplittableRandom random = new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + epoch + 0x632BE59BD9B4E019L));
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    static long stepSeed(long seed, long step) {
        return mix(mix(seed) + step * 0xBF58476D1CE4E5B9L) & Long.MAX_VALUE;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private NDArray upload(ImageSet images) {
        byte[] pixels = images.pixels();
        float[] values = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            values[i] = (pixels[i] & 0xFF) / 127.5f - 1f;
        }
        return manager.create(values, new Shape(images.size(), images.dimension()));
    }

    private static long crc(ImageSet images, int[] labels) {
        CRC32 crc = new CRC32();
        crc.update(images.pixels());
        ByteBuffer shape = ByteBuffer.allocate(16).putInt(images.size()).putInt(images.channels())
                .putInt(images.height()).putInt(images.width());
        crc.update(shape.array());
        if (labels != null) {
            ByteBuffer b = ByteBuffer.allocate(labels.length * 4);
            for (int label : labels) {
                b.putInt(label);
            }
            crc.update(b.array());
        }
        return crc.getValue();
    }

    /** A model snapshot of the current state: EMA weights when EMA is on, else the trained weights. */
    public byte[] snapshot() {
        List<NDArray> values = new ArrayList<>();
        int t = 0;
        for (Parameter p : parameters) {
            if (ema != null && p.requiresGradient()) {
                values.add(ema.get(t++));
            } else {
                values.add(p.getArray());
            }
        }
        SnapshotHeader header = new SnapshotHeader(ModelSnapshot.FORMAT, model, training.preconditioning(),
                imageChannels, resolution, labelDim, ema != null ? "ema" : "raw",
                ema != null && training.emaDecay() == null ? schedule.emaHalfLifeImages() : null,
                training.emaDecay(), snapshotsEmitted, step, images, ModelSnapshot.tensorRecords(net));
        return ModelSnapshot.write(header, values);
    }

    /** A checkpoint of the current state (weights, Adam moments, EMA, position, schedule). */
    public byte[] checkpoint() {
        List<TensorRecord> all = ModelSnapshot.tensorRecords(net);
        List<TensorRecord> trainable = new ArrayList<>();
        int i = 0;
        for (Parameter p : parameters) {
            if (p.requiresGradient()) {
                trainable.add(all.get(i));
            }
            i++;
        }
        CheckpointHeader header = new CheckpointHeader(CHECKPOINT_FORMAT, model, training, imageChannels, resolution,
                labelDim, datasetSize, datasetCrc, training.seed(), step, images, snapshotsEmitted, nextSnapshotImages,
                nextCheckpointImages, ema != null, all, trainable);
        BinaryFormat.Writer writer = new BinaryFormat.Writer(CHECKPOINT_MAGIC, CHECKPOINT_VERSION, header);
        for (Parameter p : parameters) {
            writer.tensor(p.getArray());
        }
        adamMean.forEach(writer::tensor);
        adamVariance.forEach(writer::tensor);
        if (ema != null) {
            ema.forEach(writer::tensor);
        }
        return writer.finish();
    }

    /** The header of a checkpoint, without loading it. */
    public static CheckpointHeader checkpointHeader(byte[] checkpoint) {
        return new BinaryFormat.Reader(checkpoint, CHECKPOINT_MAGIC, CHECKPOINT_VERSION, "checkpoint")
                .header(CheckpointHeader.class);
    }

    private void restore(byte[] checkpoint) {
        BinaryFormat.Reader reader = new BinaryFormat.Reader(checkpoint, CHECKPOINT_MAGIC, CHECKPOINT_VERSION,
                "checkpoint");
        CheckpointHeader h = reader.header(CheckpointHeader.class);
        if (!CHECKPOINT_FORMAT.equals(h.format())) {
            throw new IllegalArgumentException("not a " + CHECKPOINT_FORMAT + ": " + h.format());
        }
        if (!model.equals(h.model())) {
            throw new IllegalArgumentException("checkpoint is of another model: " + h.model());
        }
        // completed first: a checkpoint written before a field existed reads it as null, meaning its default
        if (!training.withoutCadence().equals(SpecValidator.completedTraining(h.training()).withoutCadence())) {
            throw new IllegalArgumentException("checkpoint is of another training procedure: " + h.training());
        }
        if (h.imageChannels() != imageChannels || h.resolution() != resolution || h.labelDim() != labelDim
                || h.datasetSize() != datasetSize || h.datasetCrc() != datasetCrc) {
            throw new IllegalArgumentException("checkpoint was trained on other data (size " + h.datasetSize()
                    + ", CRC " + h.datasetCrc() + ")");
        }
        if (h.ema() != (ema != null)) {
            throw new IllegalArgumentException("checkpoint EMA state does not match the training spec");
        }
        List<TensorRecord> all = ModelSnapshot.tensorRecords(net);
        if (!all.equals(h.parameters())) {
            throw new IllegalArgumentException("checkpoint tensors do not match the network");
        }
        for (Parameter p : parameters) {
            p.getArray().set(reader.tensor(p.getShape().size()));
        }
        for (NDArray m : adamMean) {
            m.set(reader.tensor(m.size()));
        }
        for (NDArray v : adamVariance) {
            v.set(reader.tensor(v.size()));
        }
        if (ema != null) {
            for (NDArray e : ema) {
                e.set(reader.tensor(e.size()));
            }
        }
        reader.expectEnd();
        step = h.step();
        images = h.images();
        snapshotsEmitted = h.snapshotsEmitted();
        nextSnapshotImages = h.nextSnapshotImages();
        nextCheckpointImages = h.nextCheckpointImages();
        LOG.log(Level.INFO, "resumed at step {0} ({1} images)", step, images);
    }

    @Override
    public void close() {
        gradients.close();
        optimizer.close();
        manager.close();
    }
}
