package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.emm.core.spec.EmbeddingType;
import dev.emm.core.spec.ModelKind;
import dev.emm.core.spec.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The export's keys and shapes, in order, equal the state_dict of EDM's own modules for the paper's
 * networks at CIFAR-10 size (the expected lists were produced once with DiffMemorize's copy of EDM's
 * training/networks.py; each resource's header says how), without Python at test time.
 */
class EdmStateDictNamesTest {

    private static final List<Boolean> NINE = List.of(true, true, true, true, true, true, true, true, true);

    @Test
    void paperDdpmppHasEdmsKeysAndShapes() throws IOException {
        assertEdmKeys("ddpmpp-vp-32x32", new ModelSpec(ModelKind.DDPMPP, 128, List.of(2, 2, 2), 2, List.of(16), 0.13,
                EmbeddingType.POSITIONAL, NINE), 0);
    }

    @Test
    void ncsnppWithTheResidualEncoderHasEdmsKeysAndShapes() throws IOException {
        assertEdmKeys("ncsnpp-ve-32x32", new ModelSpec(ModelKind.NCSNPP, 128, List.of(2, 2, 2), 2, List.of(16), 0.13,
                EmbeddingType.FOURIER, NINE), 0);
    }

    @Test
    void classConditionalDdpmppHasEdmsLabelMapping() throws IOException {
        assertEdmKeys("ddpmpp-vp-32x32-10-classes", new ModelSpec(ModelKind.DDPMPP, 128, List.of(2, 2, 2), 2, List.of(16), 0.13,
                EmbeddingType.POSITIONAL, NINE), 10);
    }

    private static void assertEdmKeys(String resource, ModelSpec model, int labelDim) throws IOException {
        List<String> expected;
        try (InputStream in = EdmStateDictNamesTest.class.getResourceAsStream("edm-state-dict/" + resource + ".txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("#"))
                    .toList();
        }
        List<String> actual = EdmExport.stateDict(Networks.build(model, 3, 32, labelDim)).stream()
                .map(e -> e.name() + " " + Arrays.stream(e.shape()).mapToObj(Long::toString).collect(Collectors.joining(",")))
                .toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }
}
