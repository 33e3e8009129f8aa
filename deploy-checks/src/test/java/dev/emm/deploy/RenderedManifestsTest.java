package dev.emm.deploy;

import static dev.emm.deploy.WorkloadChecks.all;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * k8s/&lt;environment&gt;: the chart rendered with that environment's values file (rendered.yaml,
 * generated, compared here byte for byte) plus the Namespace the chart does not create.
 * {@code -Demm.k8s.regenerate=true} rewrites rendered.yaml instead of failing on a difference.
 */
class RenderedManifestsTest {

    static final String REGENERATE = "mvn -B -pl deploy-checks -am test -Dtest=RenderedManifestsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Demm.k8s.regenerate=true";

    /** A directory under k8s/, the namespace it installs into and the chart values it renders. */
    record Environment(String dir, String namespace, Path values) {

        Path path() {
            return Repo.k8s().resolve(dir);
        }

        String render() {
            return "# Generated from helm/emm with " + Repo.root().relativize(values) + " (release " + Charts.RELEASE
                    + ", namespace " + namespace + "); do not edit.\n# Regenerate: " + REGENERATE + "\n"
                    + Charts.template(namespace, values, Map.of());
        }

        List<Manifest> manifests() {
            List<JsonNode> docs = new ArrayList<>(Yaml.documents(path().resolve("namespace.yaml")));
            docs.addAll(Yaml.documents(path().resolve("rendered.yaml")));
            return StrictManifests.parseAll(docs, "k8s/" + dir);
        }

        @Override
        public String toString() {
            return dir;
        }
    }

    static Stream<Environment> environments() {
        return Stream.of(new Environment("dev", "emm-dev", Charts.valueSets().get("dev")),
                new Environment("prod", "emm", Charts.valueSets().get("prod")));
    }

    @ParameterizedTest(name = "k8s/{0}/rendered.yaml is what the chart renders")
    @MethodSource("environments")
    void renderedFileIsTheChartsOutput(Environment env) throws IOException {
        Path rendered = env.path().resolve("rendered.yaml");
        String expected = env.render();
        if (Boolean.getBoolean("emm.k8s.regenerate")) {
            Files.writeString(rendered, expected);
        }
        List<String> want = expected.lines().toList();
        List<String> have = Files.readString(rendered).lines().toList();
        int line = 0;
        while (line < Math.min(want.size(), have.size()) && want.get(line).equals(have.get(line))) {
            line++;
        }
        if (line < want.size() || line < have.size()) {
            fail("k8s/" + env.dir() + "/rendered.yaml differs from the chart's output at line " + (line + 1)
                    + ": the chart renders '" + (line < want.size() ? want.get(line) : "(end)") + "', the file has '"
                    + (line < have.size() ? have.get(line) : "(end)") + "'. Regenerate it: " + REGENERATE);
        }
    }

    @ParameterizedTest(name = "k8s/{0} is its Namespace and the rendered chart, nothing else")
    @MethodSource("environments")
    void kustomizationAddsOnlyTheNamespace(Environment env) throws IOException {
        JsonNode kustomization = Yaml.documents(env.path().resolve("kustomization.yaml")).get(0);
        assertEquals(Yaml.JSON.readTree("""
                {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                 "resources": ["namespace.yaml", "rendered.yaml"]}"""), kustomization,
                "a patch or transformer here would make k8s/ a second source next to the chart");
        try (Stream<Path> files = Files.list(env.path())) {
            assertEquals(List.of("kustomization.yaml", "namespace.yaml", "rendered.yaml"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        List<Namespace> namespaces = all(StrictManifests.parseAll(
                Yaml.documents(env.path().resolve("namespace.yaml")), "k8s/" + env.dir()), Namespace.class);
        assertEquals(1, namespaces.size());
        assertEquals(env.namespace(), namespaces.get(0).getMetadata().getName());
        assertEquals("restricted", namespaces.get(0).getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
    }

    /**
     * kubectl apply -k needs no -n: every object names its namespace, the environment's unless the
     * values send the KafkaTopics to the Topic Operator's or the dashboard to Grafana's.
     */
    @ParameterizedTest(name = "k8s/{0}: strict manifests, workload checks, namespaces")
    @MethodSource("environments")
    void manifestsAreStrictPassTheWorkloadChecksAndNameTheirNamespace(Environment env) {
        List<Manifest> ms = env.manifests();
        WorkloadChecks.checkAll(ms, "k8s/" + env.dir());
        JsonNode values = HelmChartTest.effectiveValues(env.values());
        String topicNamespace = values.path("topics").path("strimzi").path("namespace").asText();
        String dashboardNamespace = values.path("metrics").path("grafanaDashboard").path("namespace").asText();
        for (Manifest m : ms) {
            if (m.kind().equals("Namespace")) {
                continue;
            }
            String expected = env.namespace();
            if (m.kind().equals("KafkaTopic") && !topicNamespace.isEmpty()) {
                expected = topicNamespace;
            } else if (m.name().endsWith("-grafana-dashboard") && !dashboardNamespace.isEmpty()) {
                expected = dashboardNamespace;
            }
            assertEquals(expected, m.tree().path("metadata").path("namespace").asText(null), m.id());
        }
    }

    @Test
    void deployGuideGivesTheRegenerateCommand() {
        assertTrue(Yaml.read(Repo.root().resolve("docs/DEPLOY.md")).contains(REGENERATE));
    }

    /** Where kubectl is installed, its kustomize must take the files as they are. */
    @ParameterizedTest(name = "kubectl kustomize k8s/{0} is the Namespace and rendered.yaml unchanged")
    @MethodSource("environments")
    void kubectlKustomizeChangesNothing(Environment env) throws Exception {
        String kubectl = kubectl();
        assumeTrue(kubectl != null, "kubectl is not installed: compared only where it is");
        Process p = new ProcessBuilder(kubectl, "kustomize", env.path().toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Map<String, JsonNode> expected = new TreeMap<>();
        env.manifests().forEach(m -> expected.put(m.id(), m.tree()));
        Map<String, JsonNode> built = new TreeMap<>();
        Yaml.documents(new String(out, StandardCharsets.UTF_8)).forEach(d -> built.put(Yaml.id(d), d));
        assertEquals(expected.keySet(), built.keySet(), "resources");
        for (String id : expected.keySet()) {
            assertEquals(expected.get(id), built.get(id), id);
        }
    }

    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
