package dev.emm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import dev.emm.core.data.ImageSet;
import dev.emm.core.data.ImageSetCodec;
import dev.emm.core.json.Json;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.TrainingSpec;
import dev.emm.core.storage.StorageLayout;
import dev.emm.djl.SafeTensors;
import dev.emm.djl.TrainingListener;
import dev.emm.djl.TrainingRun;
import dev.emm.localstack.EmbeddedS3;
import dev.emm.localstack.S3Credentials;
import dev.emm.store.ObjectStore;
import dev.emm.store.StoreConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code emm export RUN --store DIR} on a stopped local stack's folder: a trained network's snapshot
 * becomes a safetensors file under EDM's names, the samples become PNG files with the stored pixels
 * and an NPZ whose {@code arr_0} is uint8 [N, H, W, C] (read back here, and by numpy when the
 * reference Python is installed), the metric is copied; the same keys are listed through S3.
 */
class ExportCommandTest {

    private static final String EXPERIMENT = "export-test-1a2b3c4d";
    private static final String RUN = EXPERIMENT + "-n6-s0";

    @TempDir
    Path dir;

    @Test
    void exportsWeightsSamplesAndMetricOfARunFromALocalStore() throws Exception {
        Path stack = dir.resolve("stack");
        ImageSet samples = samples(5, 3, 8);
        byte[] metric = "{\"ratio\":0.4}".getBytes(StandardCharsets.UTF_8);
        List<String> listedThroughS3;
        try (EmbeddedS3 s3 = EmbeddedS3.startPersistent(stack.resolve("s3"), 0, S3Credentials.generate());
             ObjectStore store = new ObjectStore(new StoreConfig(s3.endpoint(), s3.accessKey(), s3.secretKey(),
                     StorageLayout.DEFAULT_BUCKET))) {
            store.ensureBucket();
            store.put(StorageLayout.snapshotModel(EXPERIMENT, RUN, 1), networkSnapshot());
            store.put(StorageLayout.snapshotSamples(EXPERIMENT, RUN, 1), ImageSetCodec.toBytes(samples));
            store.put(StorageLayout.snapshotMetric(EXPERIMENT, RUN, 1), metric);
            // Another run's snapshot: exporting RUN leaves it out.
            store.put(StorageLayout.snapshotMetric(EXPERIMENT, EXPERIMENT + "-n12-s0", 1), metric);
            try (StoreSource source = StoreSource.s3(store.config())) {
                listedThroughS3 = source.list(StorageLayout.experimentPrefix(EXPERIMENT));
            }
        }
        try (StoreSource local = StoreSource.directory(stack, StorageLayout.DEFAULT_BUCKET)) {
            assertEquals(listedThroughS3, local.list(StorageLayout.experimentPrefix(EXPERIMENT)));
        }

        Path out = dir.resolve("out");
        CliRun run = CliRun.of("export", RUN, "--store", stack.toString(), "--out",
                out.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals(out.toAbsolutePath().toString(), run.out().strip());
        assertFalse(Files.exists(out.resolve(EXPERIMENT + "-n12-s0")), "only the named run is exported");
        Path snapshot = out.resolve(RUN).resolve("snapshot-000001");

        SafeTensors.Contents weights = SafeTensors.read(Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertEquals("training.networks.VPPrecond", weights.metadata().get("edm.class_name"));
        assertArrayEquals(new long[] {16, 1, 3, 3}, weights.tensors().get("model.enc.8x8_conv.weight").shape());
        assertArrayEquals(new long[] {1, 1, 2, 2}, weights.tensors().get("model.enc.4x4_down.conv0.resample_filter").shape());

        for (int i = 0; i < samples.size(); i++) {
            BufferedImage png = ImageIO.read(snapshot.resolve("samples/000000/" + String.format("%06d.png", i)).toFile());
            assertEquals(samples.width(), png.getWidth());
            int[] pixel = new int[samples.channels()];
            byte[] chw = samples.image(i);
            for (int y = 0; y < samples.height(); y++) {
                for (int x = 0; x < samples.width(); x++) {
                    png.getRaster().getPixel(x, y, pixel);
                    for (int c = 0; c < samples.channels(); c++) {
                        assertEquals(chw[(c * samples.height() + y) * samples.width() + x] & 0xFF, pixel[c],
                                "sample " + i + " pixel " + x + "," + y + " channel " + c);
                    }
                }
            }
        }

        Map<String, byte[]> npz = unzip(Files.readAllBytes(snapshot.resolve("samples.npz")));
        byte[] images = npyData(npz.get("arr_0.npy"), "{'descr': '|u1', 'fortran_order': False, 'shape': (5, 8, 8, 3), }");
        for (int i = 0; i < samples.size(); i++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 64; p++) {
                    assertEquals(samples.image(i)[c * 64 + p], images[(i * 64 + p) * 3 + c]);
                }
            }
        }
        ByteBuffer labels = ByteBuffer.wrap(npyData(npz.get("labels.npy"),
                "{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }")).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples.size(); i++) {
            assertEquals(samples.label(i), labels.getLong());
        }
        assertArrayEquals(metric, Files.readAllBytes(snapshot.resolve("metric.json")));
        numpyReads(snapshot.resolve("samples.npz"), samples);
    }

    @Test
    void anUnknownIdIsAnErrorNamingTheStore() throws Exception {
        Path stack = dir.resolve("empty");
        Files.createDirectories(stack.resolve("s3").resolve(StorageLayout.DEFAULT_BUCKET));
        CliRun run = CliRun.of("export", "nothing-here", "--store", stack.toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("no snapshots of 'nothing-here' in the local store in " + stack), run.err());
    }

    /** A tiny DDPM++ (1 x 8 x 8) after one training step, as the trainer stores it. */
    private static byte[] networkSnapshot() {
        ModelSpec model = Json.readStrict("""
                {"kind": "ddpmpp", "modelChannels": 16, "channelMult": [1, 2], "numBlocks": 1, "attnResolutions": [4],
                 "dropout": 0}""", ModelSpec.class);
        TrainingSpec training = Json.readStrict(
                "{\"preconditioning\": \"vp\", \"batchSize\": 4, \"durationUnit\": \"steps\", \"duration\": 1}",
                TrainingSpec.class);
        ImageSet images = samples(6, 1, 8);
        AtomicReference<byte[]> snapshot = new AtomicReference<>();
        try (TrainingRun run = new TrainingRun(model, training, images, null, 0, null,
                new TrainingRun.Options(Device.cpu(), 0))) {
            run.run(new TrainingListener() {
                @Override
                public void snapshot(int index, byte[] modelBytes) {
                    snapshot.set(modelBytes);
                }
            });
        }
        return snapshot.get();
    }

    private static ImageSet samples(int count, int channels, int resolution) {
        Random random = new Random(3);
        byte[] pixels = new byte[count * channels * resolution * resolution];
        random.nextBytes(pixels);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 3;
        }
        return new ImageSet(channels, resolution, resolution, 3, labels, pixels);
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    /** The data of an NPY 1.0 file after checking its header dict and 64-byte alignment. */
    private static byte[] npyData(byte[] npy, String dict) {
        assertEquals((byte) 0x93, npy[0]);
        assertEquals("NUMPY", new String(npy, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + headerLength) % 64);
        assertEquals(dict, new String(npy, 10, headerLength, StandardCharsets.US_ASCII).strip());
        return Arrays.copyOfRange(npy, 10 + headerLength, npy.length);
    }

    /** numpy itself reads the archive (where the reference Python is installed; required under CI=true). */
    private static void numpyReads(Path npz, ImageSet samples) throws Exception {
        Path python = Path.of(System.getenv().getOrDefault("EMM_REFERENCE_PYTHON", "/usr/bin/python3"));
        Process probe = Files.isExecutable(python)
                ? new ProcessBuilder(python.toString(), "-c", "import numpy").redirectErrorStream(true).start() : null;
        if (probe == null || !probe.waitFor(1, TimeUnit.MINUTES) || probe.exitValue() != 0) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(python + " cannot import numpy; emm-bench/setup-reference.sh installs it, as .ci/run does");
            }
            System.err.println("numpy is not installed: the NPZ was checked in Java only");
            return;
        }
        Process p = new ProcessBuilder(python.toString(), "-c", "import numpy, sys; a = numpy.load(sys.argv[1]); "
                + "print(a['arr_0'].dtype, a['arr_0'].shape, int(a['arr_0'].astype('int64').sum()), a['labels'].tolist())",
                npz.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        long sum = 0;
        for (byte b : samples.pixels()) {
            sum += b & 0xFF;
        }
        assertEquals("uint8 (5, 8, 8, 3) " + sum + " [0, 1, 2, 0, 1]", said);
    }
}
