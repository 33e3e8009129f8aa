package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.emm.deploy.StrictManifests.Manifest;
import dev.emm.djl.GlibcMallocEnvironment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every pod that runs libtorch starts with the glibc malloc settings the local pipeline gives its
 * services (emm-djl GlibcMallocEnvironment), in every value set: without them a trainer faults its
 * activations in again every step (docs/BENCHMARKS.md, "Native memory").
 */
class GlibcMallocEnvironmentTest {

    private static final List<String> LIBTORCH_PODS = List.of("emm-trainer", "emm-sampler", "emm-metric");

    @Test
    void everyLibtorchPodHasTheLocalPipelinesMallocSettingsInEveryValueSet() {
        Map<String, String> expected = GlibcMallocEnvironment.variables();
        assertEquals(3, expected.size());
        for (Map.Entry<String, Path> set : Charts.valueSets().entrySet()) {
            List<Manifest> ms = Charts.renderStrict(set.getKey(), set.getValue(), Map.of());
            for (String pod : LIBTORCH_PODS) {
                Container c = deployment(ms, pod).getSpec().getTemplate().getSpec().getContainers().get(0);
                expected.forEach((name, value) -> {
                    EnvVar v = WorkloadChecks.env(c, name);
                    assertNotNull(v, set.getKey() + " values: " + pod + " sets no " + name);
                    assertEquals(value, v.getValue(), set.getKey() + " values: " + pod + " " + name);
                });
            }
        }
    }
}
