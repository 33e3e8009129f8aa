package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The thread plan in a cluster (docs/DEPLOY.md): every compute service's libtorch intra-op threads
 * (EMM_TORCH_THREADS) are its CPU request, rounded down, at least 1, so the threads of the pods on
 * a node never outnumber the cores the scheduler guarantees them; the orchestrator runs no libtorch
 * and gets none.
 */
class TorchThreadsTest {

    private static final List<String> COMPUTE = List.of("emm-trainer", "emm-sampler", "emm-metric");

    private static Container container(List<Manifest> ms, String name) {
        return deployment(ms, name).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String threads(List<Manifest> ms, String name) {
        EnvVar threads = WorkloadChecks.env(container(ms, name), "EMM_TORCH_THREADS");
        assertNotNull(threads, name + " sets no EMM_TORCH_THREADS");
        return threads.getValue();
    }

    /** The CPU request in whole cores, rounded down, at least 1. */
    private static int requestedCores(Container c) {
        BigDecimal cores = Quantity.getAmountInBytes(c.getResources().getRequests().get("cpu"));
        return Math.max(1, cores.setScale(0, RoundingMode.FLOOR).intValueExact());
    }

    @Test
    void everyComputeServiceGetsItsCpuRequestAsThreadsInEveryValueSet() {
        Map<String, List<Integer>> expected = new LinkedHashMap<>();
        // trainer, sampler, metric
        expected.put("default", List.of(4, 2, 1));
        expected.put("dev", List.of(1, 1, 1));
        expected.put("prod", List.of(6, 2, 1));
        for (Map.Entry<String, Path> set : Charts.valueSets().entrySet()) {
            List<Manifest> ms = Charts.renderStrict(set.getKey(), set.getValue(), Map.of());
            for (int i = 0; i < COMPUTE.size(); i++) {
                String name = COMPUTE.get(i);
                String where = set.getKey() + " values, " + name;
                assertEquals(Integer.toString(requestedCores(container(ms, name))), threads(ms, name), where);
                assertEquals(expected.get(set.getKey()).get(i).toString(), threads(ms, name), where);
            }
            assertNull(WorkloadChecks.env(container(ms, "emm-orchestrator"), "EMM_TORCH_THREADS"),
                    set.getKey() + ": the orchestrator runs no libtorch");
        }
    }

    @Test
    void millicoresRoundDownAndAPodWithoutARequestTakesItsLimit() {
        List<Manifest> ms = Charts.renderStrict("cpu overrides", null, Map.of(
                "services.trainer.resources.requests.cpu", "2500m",
                "services.sampler.resources.requests.cpu", "300m",
                "services.metric.resources.requests.cpu", "null",
                "services.metric.resources.limits.cpu", "3"));
        assertEquals("2", threads(ms, "emm-trainer"));
        assertEquals("1", threads(ms, "emm-sampler"));
        assertEquals("3", threads(ms, "emm-metric"));
        List<Manifest> fractional = Charts.renderStrict("fractional cores", null, Map.of(
                "services.trainer.resources.requests.cpu", "3.7"));
        assertEquals("3", threads(fractional, "emm-trainer"));
    }
}
