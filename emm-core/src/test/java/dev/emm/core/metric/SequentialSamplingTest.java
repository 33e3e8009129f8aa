package dev.emm.core.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.emm.core.json.Json;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.SpecValidator;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class SequentialSamplingTest {

    private static final double THRESHOLD = 0.9;

    /** Agreement with the full-count decision and samples drawn, over simulated snapshots. */
    private record Simulation(int snapshots, int agreements, int earlyStops, long samplesDrawn, int fullCount) {
        double agreementRate() {
            return (double) agreements / snapshots;
        }

        double drawnShare() {
            return (double) samplesDrawn / ((long) snapshots * fullCount);
        }
    }

    /**
     * Each snapshot memorizes each of its samples with its own probability p (drawn from
     * {@code ratios}); its samples are one Bernoulli sequence, so the first n of them are the same
     * whatever count is finally drawn, as seeds 0..n-1 are in the pipeline.
     */
    private static Simulation simulate(SequentialSampling rule, int snapshots, long seed, DoubleSupplier ratios) {
        Random random = new Random(seed);
        int full = rule.fullCount();
        int[] memorizedPrefix = new int[full + 1];
        int agreements = 0;
        int earlyStops = 0;
        long drawnTotal = 0;
        for (int snapshot = 0; snapshot < snapshots; snapshot++) {
            double p = ratios.getAsDouble();
            for (int i = 0; i < full; i++) {
                memorizedPrefix[i + 1] = memorizedPrefix[i] + (random.nextDouble() < p ? 1 : 0);
            }
            int drawn = rule.firstCount();
            for (int next = rule.nextCount(drawn, memorizedPrefix[drawn]); next != drawn;
                    next = rule.nextCount(drawn, memorizedPrefix[drawn])) {
                drawn = next;
            }
            boolean sequentialMemorizing = (double) memorizedPrefix[drawn] / drawn >= THRESHOLD;
            boolean fullMemorizing = (double) memorizedPrefix[full] / full >= THRESHOLD;
            agreements += sequentialMemorizing == fullMemorizing ? 1 : 0;
            earlyStops += drawn < full ? 1 : 0;
            drawnTotal += drawn;
        }
        return new Simulation(snapshots, agreements, earlyStops, drawnTotal, full);
    }

    private static void report(String what, Simulation s) {
        System.out.printf(Locale.ROOT, "sequential sampling, %s: agreement %.4f, early stops %d of %d, "
                + "samples drawn %.3f of the full count%n", what, s.agreementRate(), s.earlyStops(), s.snapshots(),
                s.drawnShare());
    }

    @Test
    void agreesWithTheFullCountOnTenThousandSnapshotsOfTheDefaultPreset() {
        SequentialSampling rule = new SequentialSampling(64, 256, THRESHOLD);
        Random ratios = new Random(7);
        Simulation s = simulate(rule, 10_000, 20261201L, () -> 0.5 + 0.5 * ratios.nextDouble());
        report("256 samples from 64, ratios uniform on [0.5, 1]", s);
        assertTrue(s.agreementRate() >= 0.99, "agreement " + s.agreementRate());
        // Ratios from 0.5 to about 0.8 stop at 64 samples: roughly half the snapshots save 3/4.
        assertTrue(s.drawnShare() < 0.7, "samples drawn " + s.drawnShare());
        assertTrue(s.earlyStops() > 4_000, "early stops " + s.earlyStops());
    }

    @Test
    void agreesWithTheFullCountOnTenThousandSnapshotsOfThePapersCount() {
        SequentialSampling rule = new SequentialSampling(625, 10_000, THRESHOLD);
        Random ratios = new Random(11);
        Simulation s = simulate(rule, 10_000, 20261202L, () -> 0.5 + 0.5 * ratios.nextDouble());
        report("10,000 samples from 625, ratios uniform on [0.5, 1]", s);
        assertTrue(s.agreementRate() >= 0.99, "agreement " + s.agreementRate());
        assertTrue(s.drawnShare() < 0.5, "samples drawn " + s.drawnShare());
    }

    @Test
    void errsMostJustAboveTheThresholdAndStillRarely() {
        // The rule can only err by stopping a snapshot whose full count reaches the threshold;
        // that is likeliest for true ratios at or just above it.
        SequentialSampling rule = new SequentialSampling(64, 256, THRESHOLD);
        double worst = 1;
        double worstRatio = 0;
        for (double p = 0.86; p <= 0.945; p += 0.01) {
            double ratio = p;
            Simulation s = simulate(rule, 10_000, Math.round(p * 1000), () -> ratio);
            report(String.format(Locale.ROOT, "256 from 64, ratio %.2f", p), s);
            if (s.agreementRate() < worst) {
                worst = s.agreementRate();
                worstRatio = p;
            }
        }
        System.out.printf(Locale.ROOT, "worst agreement %.4f at ratio %.2f%n", worst, worstRatio);
        assertTrue(worst >= 0.95, "worst agreement " + worst + " at " + worstRatio);
    }

    @Test
    void anExperimentsRuleComesFromItsSpecAndIsOffUnlessTheSpecTurnsItOn() {
        ExperimentSpec off = SpecValidator.validated(Json.readStrict(
                "{\"sampling\": {\"sampleCount\": 500}, \"search\": {\"eps\": 0.2}}", ExperimentSpec.class));
        assertEquals(new SequentialSampling(500, 500, 0.8), SequentialSampling.of(off));
        assertEquals(500, SequentialSampling.of(off).nextCount(500, 500), "off: decided at the first measurement");
        ExperimentSpec on = SpecValidator.validated(Json.readStrict(
                "{\"sampling\": {\"sampleCount\": 500, \"sequentialFirstCount\": 50}}", ExperimentSpec.class));
        assertEquals(new SequentialSampling(50, 500, 0.9), SequentialSampling.of(on));
        assertEquals(100, SequentialSampling.of(on).nextCount(MemorizationSummary.of(50, 50)));
    }

    @Test
    void schedulesDoublingCountsAndStopsOnlyBelowTheThreshold() {
        SequentialSampling rule = new SequentialSampling(64, 256, THRESHOLD);
        // 32 of 64: the interval [0.38, 0.62] lies below 0.9: decided
        assertEquals(64, rule.nextCount(64, 32));
        // 55 of 64 = 0.859: the interval [0.75, 0.93] reaches 0.9: draw to 128
        assertEquals(128, rule.nextCount(64, 55));
        // 64 of 64 lies above the threshold: still drawn to the full count
        assertEquals(128, rule.nextCount(64, 64));
        assertEquals(256, rule.nextCount(128, 128));
        assertEquals(256, rule.nextCount(256, 256));
        assertEquals(256, rule.nextCount(256, 0));
        // a full count that is not a power-of-two multiple of the first is the last step
        assertEquals(100, new SequentialSampling(30, 100, THRESHOLD).nextCount(60, 60));
        assertThrows(IllegalArgumentException.class, () -> rule.nextCount(32, 0));
        assertThrows(IllegalArgumentException.class, () -> rule.nextCount(64, 65));
        assertThrows(IllegalArgumentException.class, () -> new SequentialSampling(300, 256, THRESHOLD));
    }
}
