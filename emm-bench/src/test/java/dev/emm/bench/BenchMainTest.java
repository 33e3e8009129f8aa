package dev.emm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.metric.fast.FastNearestNeighbours;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

/** The driver's arithmetic and configs (no benchmark runs here). */
class BenchMainTest {

    @Test
    void parsesTheCommandLine() {
        BenchOptions o = BenchOptions.parse("train", "--preset", "paper-ddpmpp-vp", "--batch", "16", "--quick",
                "--rounds", "4", "--reference-ops", "EDM", "--kernel", "int8", "--home", "/tmp/x/../emm");
        assertEquals("train", o.bench);
        assertEquals("paper-ddpmpp-vp", o.preset);
        assertEquals(16, o.batch);
        assertTrue(o.quick);
        assertEquals(4, o.rounds);
        assertEquals("edm", o.referenceOps);
        assertEquals(FastNearestNeighbours.Kernel.INT8, o.kernel);
        assertEquals(Path.of("/tmp/emm"), o.home);
        assertEquals("PASSIVE", o.ompWait);
        assertEquals(Runtime.getRuntime().availableProcessors(), o.threads);
        assertFalse(o.noSetup);
        assertThrows(ParameterException.class, () -> BenchOptions.parse("fly"));
        assertThrows(ParameterException.class, () -> BenchOptions.parse("train", "--batch", "0"));
        assertThrows(ParameterException.class, () -> BenchOptions.parse("train", "--bogus", "1"));
        assertThrows(ParameterException.class, () -> BenchOptions.parse());
    }

    @Test
    void oursTrainsInTwoShardsWhereThereAreTwoThreads() throws Exception {
        Path work = Files.createTempDirectory("bench-test");
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        assertEquals(2, BenchMain.config(BenchOptions.parse("train", "--threads", "2"), work, quiet).get("shards").asInt());
        assertEquals(2, BenchMain.config(BenchOptions.parse("train", "--threads", "4"), work, quiet).get("shards").asInt());
        assertEquals(1, BenchMain.config(BenchOptions.parse("train", "--threads", "1"), work, quiet).get("shards").asInt());
        assertEquals(1, BenchMain.config(BenchOptions.parse("train", "--threads", "2", "--shards", "1"), work, quiet)
                .get("shards").asInt());
        ParameterException three = assertThrows(ParameterException.class,
                () -> BenchMain.config(BenchOptions.parse("train", "--shards", "3"), work, quiet));
        assertEquals("--shards must be 1 or 2, got 3", three.getMessage());
        assertFalse(BenchMain.config(BenchOptions.parse("sample"), work, quiet).has("shards"),
                "only training is sharded");
    }

    @Test
    void medianAndFittedExponent() {
        assertEquals(2.0, BenchMain.median(new double[] {3, 1, 2}));
        assertEquals(2.5, BenchMain.median(new double[] {4, 1, 2, 3}));
        assertEquals(2.0, Scaling.exponent(new double[] {1, 2, 4}, new double[] {3, 12, 48}), 1e-12);
        assertEquals(0.0, Scaling.exponent(new double[] {10, 100, 1000}, new double[] {5, 5, 5}), 1e-12);
    }

    @Test
    void trainConfigCarriesThePresetWithTheBatchOverride() throws Exception {
        BenchOptions o = BenchOptions.parse("train", "--preset", "paper-ddpmpp-vp", "--batch", "16");
        Path work = Files.createTempDirectory("bench-test");
        ObjectNode c = BenchMain.config(o, work, new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(16, c.get("training").get("batchSize").asInt());
        assertEquals(128, c.get("model").get("modelChannels").asInt());
        assertEquals(3, c.get("channels").asInt());
        assertEquals(32, c.get("resolution").asInt());
        assertEquals("vp", c.get("training").get("preconditioning").asText());
        assertEquals("[16]", c.get("model").get("attnResolutions").toString());
        // A smaller image moves the preset's attention with it, as the paper's data-dimension runs do.
        ObjectNode at8 = BenchMain.config(BenchOptions.parse("train", "--preset", "paper-ddpmpp-vp",
            "--batch", "16", "--resolution", "8"), work, new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(8, at8.get("resolution").asInt());
        assertEquals("[4]", at8.get("model").get("attnResolutions").toString());
        // The timed window starts after the JVM's compilers have settled, with or without --quick.
        assertEquals(30, c.get("warmupSteps").asInt());
        assertEquals(20, c.get("steps").asInt());
        ObjectNode quick = BenchMain.config(BenchOptions.parse("train", "--quick"), work,
                new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(30, quick.get("warmupSteps").asInt());
        assertEquals(5, quick.get("steps").asInt());
        ObjectNode shortWarmup = BenchMain.config(BenchOptions.parse("train", "--quick", "--warmup", "2"), work,
                new PrintStream(PrintStream.nullOutputStream()));
        assertEquals(2, shortWarmup.get("warmupSteps").asInt());
    }

    @Test
    void metricDataHasMemorizedCopies() throws Exception {
        Path work = Files.createTempDirectory("bench-test");
        Path s = work.resolve("s");
        Path t = work.resolve("t");
        BenchMain.writeMetricData(s, t, 9, 20, 12);
        assertEquals(9 * 12, Files.size(s));
        assertEquals(20 * 12, Files.size(t));
    }
}
