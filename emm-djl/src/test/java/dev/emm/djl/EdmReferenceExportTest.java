package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.core.json.Json;
import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import dev.emm.core.spec.PreconditioningType;
import dev.emm.djl.nn.SongUNet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our network, exported under EDM's names, is EDM's network: for each family a snapshot with
 * random weights (every tensor, the near-zero-initialised output layers included, so that every
 * layer shows in the output) is exported to safetensors, loaded by name with {@code strict=True}
 * into the PyTorch reference SongUNet ({@code emm-bench/reference/songunet.py}, EDM's architecture and
 * state_dict keys) by {@code emm-bench/reference/check_export.py}, and the reference's D(x; sigma,
 * labels) on fixed noisy images (sigma 0.002 to 80) equals what {@link NetworkDenoiser} computes from
 * the same snapshot: on every image, the largest difference is within 1e-5 of that image's largest
 * output (float32).
 *
 * <p>Needs Debian's python3-torch and python3-numpy ({@code .ci/run} installs them). Under
 * {@code CI=true} their absence fails the test; elsewhere it is skipped with the reason.
 */
class EdmReferenceExportTest {

    private static final double TOLERANCE = 1e-5;
    private static final int CHANNELS = 3;
    private static final int RESOLUTION = 16;
    private static final double[] SIGMAS = {0.002, 0.08, 0.7, 5, 80};
    private static final int IMAGES_PER_SIGMA = 2;

    private record Family(String name, ModelSpec model, PreconditioningType preconditioning, int labelDim) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("ddpmpp-positional", new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2, 2), 1, List.of(8), 0.13,
                    EmbeddingType.POSITIONAL, List.of(true, true, true, true, true, true)), PreconditioningType.VP, 0),
            new Family("ncsnpp-fourier-residual", new ModelSpec(ModelKind.NCSNPP, 16, List.of(1, 2, 2), 1, List.of(8), 0.13,
                    EmbeddingType.FOURIER, List.of(true, true, true, true, true, true)), PreconditioningType.VE, 0),
            new Family("ddpmpp-skips-off", new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2, 2), 2, List.of(8), 0.13,
                    EmbeddingType.POSITIONAL, List.of(true, false, true, true, false, true, false, true, true)), PreconditioningType.VP, 0),
            new Family("ddpmpp-class-conditional", new ModelSpec(ModelKind.DDPMPP, 16, List.of(1, 2, 2), 1, List.of(8), 0.13,
                    EmbeddingType.POSITIONAL, List.of(true, true, true, true, true, true)), PreconditioningType.EDM, 10));

    @Test
    void exportedSnapshotsLoadIntoTheReferenceByNameAndDenoiseAlike(@TempDir Path dir) throws Exception {
        String python = referencePython();
        Map<String, Integer> keys = new HashMap<>();
        long seed = 11;
        for (Family family : FAMILIES) {
            byte[] snapshot = randomSnapshot(family, seed++);
            byte[] exported = EdmExport.safetensors(snapshot);
            Files.write(dir.resolve(family.name() + ".safetensors"), exported);
            keys.put(family.name(), SafeTensors.read(exported).tensors().size());
            Files.write(dir.resolve(family.name() + ".io.safetensors"), denoiseFixedInputs(snapshot, family, seed++));
        }

        Path script = repositoryRoot().resolve("emm-bench/reference/check_export.py");
        Process process = new ProcessBuilder(python, script.toString(), dir.toString(), "--tolerance",
                Double.toString(TOLERANCE)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "check_export.py did not finish");
        List<JsonNode> results = new ArrayList<>();
        for (String line : output.lines().toList()) {
            if (line.startsWith("{")) {
                results.add(Json.mapper().readTree(line));
            }
        }
        assertEquals(FAMILIES.size(), results.size(), "one result per family; the script said:\n" + output);
        for (JsonNode r : results) {
            String family = r.path("family").asText();
            System.out.printf("%s: %d keys, %d parameters, relative difference %.3g (worst image: sigma %s, "
                    + "max |D_emm - D_ref| %.3g of max |D_ref| %.3g)%n", family, r.path("keys").asInt(),
                    r.path("parameters").asLong(), r.path("relDiff").asDouble(), r.path("worstSigma").asText(),
                    r.path("maxAbsDiff").asDouble(), r.path("maxAbsRef").asDouble());
            assertEquals(keys.get(family).intValue(), r.path("keys").asInt(), family);
            assertTrue(r.path("relDiff").asDouble() <= TOLERANCE, family + " differs from the reference by "
                    + r.path("relDiff").asDouble() + " of its largest output");
        }
        assertEquals(0, process.exitValue(), output);
    }

    /** A snapshot of the family's network with every tensor drawn at random (weights at unit gain). */
    private static byte[] randomSnapshot(Family family, long seed) {
        DjlRuntime.engine();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            SongUNet net = Networks.build(family.model(), CHANNELS, RESOLUTION, family.labelDim());
            net.initialize(manager, DataType.FLOAT32, seed);
            Random random = new Random(seed);
            List<NDArray> values = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray array = p.getValue().getArray();
                long[] shape = array.getShape().getShape();
                float[] v = array.toFloatArray();
                if (p.getKey().endsWith("freqs")) {
                    values.add(array); // EDM's Fourier frequencies, already N(0, 16^2)
                    continue;
                }
                double fanIn = shape.length > 1 ? (double) v.length / shape[0] : 1;
                for (int i = 0; i < v.length; i++) {
                    double g = random.nextGaussian();
                    v[i] = (float) (shape.length > 1 ? g / Math.sqrt(fanIn) : p.getKey().contains("norm") && p.getKey()
                            .endsWith("weight") ? 1 + 0.2 * g : 0.1 * g);
                }
                array.set(v);
                values.add(array);
            }
            SnapshotHeader header = new SnapshotHeader(ModelSnapshot.FORMAT, family.model(), family.preconditioning(),
                    CHANNELS, RESOLUTION, family.labelDim(), "raw", null, null, 1, 1, 1, ModelSnapshot.tensorRecords(net));
            return ModelSnapshot.write(header, values);
        }
    }

    /** Fixed noisy images y + sigma n at each sigma, EMM's D on them, all as one safetensors file. */
    private static byte[] denoiseFixedInputs(byte[] snapshot, Family family, long seed) {
        Random random = new Random(seed);
        int d = CHANNELS * RESOLUTION * RESOLUTION;
        int rows = SIGMAS.length * IMAGES_PER_SIGMA;
        float[] x = new float[rows * d];
        float[] sigma = new float[rows];
        long[] labels = new long[rows];
        float[] denoised = new float[rows * d];
        try (NetworkDenoiser denoiser = new NetworkDenoiser(snapshot, ai.djl.Device.cpu())) {
            for (int s = 0; s < SIGMAS.length; s++) {
                double[][] noisy = new double[IMAGES_PER_SIGMA][d];
                int[] classes = new int[IMAGES_PER_SIGMA];
                for (int r = 0; r < IMAGES_PER_SIGMA; r++) {
                    int row = s * IMAGES_PER_SIGMA + r;
                    for (int j = 0; j < d; j++) {
                        float value = (float) (random.nextDouble() * 2 - 1 + SIGMAS[s] * random.nextGaussian());
                        noisy[r][j] = value;
                        x[row * d + j] = value;
                    }
                    classes[r] = family.labelDim() > 0 ? random.nextInt(family.labelDim()) : 0;
                    labels[row] = classes[r];
                    sigma[row] = (float) SIGMAS[s];
                }
                double[][] out = denoiser.denoise(noisy, SIGMAS[s], family.labelDim() > 0 ? classes : null);
                for (int r = 0; r < IMAGES_PER_SIGMA; r++) {
                    for (int j = 0; j < d; j++) {
                        denoised[(s * IMAGES_PER_SIGMA + r) * d + j] = (float) out[r][j];
                    }
                }
            }
        }
        long[] imageShape = {rows, CHANNELS, RESOLUTION, RESOLUTION};
        List<SafeTensors.Tensor> tensors = new ArrayList<>(List.of(
                SafeTensors.Tensor.of("x", imageShape, x),
                SafeTensors.Tensor.of("sigma", new long[] {rows}, sigma),
                SafeTensors.Tensor.of("denoised", imageShape, denoised)));
        if (family.labelDim() > 0) {
            tensors.add(SafeTensors.Tensor.of("labels", new long[] {rows}, labels));
        }
        return SafeTensors.write(tensors, Map.of());
    }

    /** Debian's python3 with torch and numpy; fails under CI=true when missing, else skips. */
    private static String referencePython() throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("EMM_REFERENCE_PYTHON", "/usr/bin/python3");
        String problem;
        if (!Files.isExecutable(Path.of(python))) {
            problem = python + " does not exist";
        } else {
            Process probe = new ProcessBuilder(python, "-c", "import torch, numpy").redirectErrorStream(true).start();
            String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            probe.waitFor(2, TimeUnit.MINUTES);
            problem = probe.exitValue() == 0 ? null : python + " cannot import torch and numpy: " + said;
        }
        if (problem != null) {
            String message = "the PyTorch reference is missing (" + problem + "); install it with "
                    + "emm-bench/setup-reference.sh (Debian python3-torch, python3-numpy), as .ci/run does";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        return python;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("emm-bench/reference"))) {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "emm-bench/reference not found above " + Path.of("").toAbsolutePath());
        return dir;
    }
}
