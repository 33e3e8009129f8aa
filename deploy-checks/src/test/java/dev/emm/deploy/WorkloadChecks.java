package dev.emm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.emm.deploy.StrictManifests.Manifest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Assertions shared by the Helm and the kustomize checks, on strictly parsed manifests. */
final class WorkloadChecks {

    /** Image names (last path segment, before the tag) of the EMM services. */
    static final Set<String> EMM_IMAGES = Set.of("orchestrator", "trainer-service", "sampler-service",
            "metric-service");

    static final String GPU = "nvidia.com/gpu";

    /** Env names that must never carry a literal value. */
    private static final Pattern SECRET_ENV = Pattern.compile(
            "(?i).*(SECRET|PASSWORD|JAAS|TOKEN|ACCESS_KEY|CREDENTIAL).*");

    private WorkloadChecks() {
    }

    /** A pod template with where it came from. */
    record Pod(String owner, Map<String, String> labels, PodSpec spec) {
    }

    static List<Pod> pods(List<Manifest> ms) {
        List<Pod> pods = new ArrayList<>();
        for (Manifest m : ms) {
            PodTemplateSpec t = null;
            if (m.model() instanceof Deployment d) {
                t = d.getSpec().getTemplate();
            } else if (m.model() instanceof StatefulSet s) {
                t = s.getSpec().getTemplate();
            } else if (m.model() instanceof Job j) {
                t = j.getSpec().getTemplate();
            }
            if (t != null) {
                pods.add(new Pod(m.id(), t.getMetadata().getLabels(), t.getSpec()));
            }
        }
        return pods;
    }

    static <T> List<T> all(List<Manifest> ms, Class<T> type) {
        return ms.stream().map(Manifest::model).filter(type::isInstance).map(type::cast).toList();
    }

    static Deployment deployment(List<Manifest> ms, String name) {
        return all(ms, Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    static String imageName(Container c) {
        String ref = c.getImage();
        String last = ref.substring(ref.lastIndexOf('/') + 1);
        return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
    }

    static boolean isEmm(Container c) {
        return EMM_IMAGES.contains(imageName(c));
    }

    /** Everything every value set and overlay must satisfy. */
    static void checkAll(List<Manifest> ms, String where) {
        List<String> problems = new ArrayList<>();
        noSecrets(ms, problems);
        for (Pod pod : pods(ms)) {
            checkPod(pod, ms, problems);
        }
        selectorsResolve(ms, problems);
        if (!problems.isEmpty()) {
            fail(where + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }

    /** The chart and k8s/ only reference Secrets; they never contain one. */
    private static void noSecrets(List<Manifest> ms, List<String> problems) {
        for (Manifest m : ms) {
            if (m.kind().equals("Secret")) {
                problems.add(m.id() + ": a Secret is rendered; credentials must come from an existing Secret");
            }
        }
    }

    private static void checkPod(Pod pod, List<Manifest> ms, List<String> problems) {
        String w = pod.owner();
        PodSpec spec = pod.spec();
        PodSecurityContext psc = Optional.ofNullable(spec.getSecurityContext()).orElse(new PodSecurityContext());
        if (!Boolean.FALSE.equals(spec.getAutomountServiceAccountToken()) ) {
            problems.add(w + ": automountServiceAccountToken must be false (no pod calls the API)");
        }
        if (!Boolean.FALSE.equals(spec.getEnableServiceLinks())) {
            problems.add(w + ": enableServiceLinks must be false (KAFKA_* service variables leak into config)");
        }
        boolean seccompPod = psc.getSeccompProfile() != null && "RuntimeDefault".equals(psc.getSeccompProfile().getType());
        if (psc.getRunAsUser() != null && psc.getRunAsUser() == 0) {
            problems.add(w + ": pod runAsUser 0");
        }
        boolean isDeployment = w.startsWith("Deployment/");
        for (Container c : spec.getContainers()) {
            String cw = w + " container " + c.getName();
            SecurityContext sc = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
            boolean nonRoot = Boolean.TRUE.equals(sc.getRunAsNonRoot())
                    || (sc.getRunAsNonRoot() == null && Boolean.TRUE.equals(psc.getRunAsNonRoot()));
            if (!nonRoot) {
                problems.add(cw + ": runAsNonRoot is not true");
            }
            if (sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                problems.add(cw + ": runAsUser 0");
            }
            if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                problems.add(cw + ": allowPrivilegeEscalation must be false");
            }
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                problems.add(cw + ": privileged");
            }
            if (sc.getCapabilities() == null || !sc.getCapabilities().getDrop().contains("ALL")
                    || !sc.getCapabilities().getAdd().isEmpty()) {
                problems.add(cw + ": capabilities must drop ALL and add none");
            }
            boolean seccomp = seccompPod || (sc.getSeccompProfile() != null
                    && "RuntimeDefault".equals(sc.getSeccompProfile().getType()));
            if (!seccomp) {
                problems.add(cw + ": no RuntimeDefault seccomp profile (Pod Security 'restricted')");
            }
            if (c.getResources() == null || !hasCpuAndMemory(c.getResources().getRequests())
                    || !hasCpuAndMemory(c.getResources().getLimits())) {
                problems.add(cw + ": resources must request and limit cpu and memory");
            }
            if (isDeployment || w.startsWith("StatefulSet/")) {
                if (c.getLivenessProbe() == null || c.getReadinessProbe() == null) {
                    problems.add(cw + ": liveness and readiness probes are required");
                }
            }
            if (c.getImage() == null || !c.getImage().matches(".+:[A-Za-z0-9_.-]+$") || c.getImage().endsWith(":latest")) {
                problems.add(cw + ": image " + c.getImage() + " has no pinned tag");
            }
            checkEnv(cw, c, problems);
            if (isEmm(c)) {
                checkEmmContainer(cw, c, spec, ms, problems);
            }
        }
    }

    private static boolean hasCpuAndMemory(Map<String, Quantity> q) {
        return q != null && q.containsKey("cpu") && q.containsKey("memory");
    }

    private static void checkEnv(String cw, Container c, List<String> problems) {
        for (EnvVar e : c.getEnv()) {
            if (SECRET_ENV.matcher(e.getName()).matches() && e.getValue() != null) {
                problems.add(cw + ": env " + e.getName() + " has a literal value; use secretKeyRef");
            }
        }
    }

    private static void checkEmmContainer(String cw, Container c, PodSpec spec, List<Manifest> ms,
            List<String> problems) {
        SecurityContext sc = c.getSecurityContext();
        if (sc == null || !Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
            problems.add(cw + ": readOnlyRootFilesystem must be true");
        }
        Optional<ContainerPort> http = c.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst();
        if (http.isEmpty() || http.get().getContainerPort() != 8080) {
            problems.add(cw + ": needs a container port named http on 8080");
        }
        checkProbe(cw, "liveness", c.getLivenessProbe(), "/q/health/live", problems);
        checkProbe(cw, "readiness", c.getReadinessProbe(), "/q/health/ready", problems);
        if (c.getStartupProbe() != null) {
            checkProbe(cw, "startup", c.getStartupProbe(), "/q/health/started", problems);
        }
        Map<String, EnvVar> env = new LinkedHashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e));
        for (String key : List.of("EMM_STORE_ACCESS_KEY", "EMM_STORE_SECRET_KEY")) {
            EnvVar e = env.get(key);
            if (e == null || e.getValueFrom() == null || e.getValueFrom().getSecretKeyRef() == null) {
                problems.add(cw + ": " + key + " must come from a secretKeyRef");
            }
        }
        EnvVar jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
        if (jaas != null && (jaas.getValueFrom() == null || jaas.getValueFrom().getSecretKeyRef() == null)) {
            problems.add(cw + ": KAFKA_SASL_JAAS_CONFIG must come from a secretKeyRef");
        }
        Map<String, String> config = configFromEnvFrom(c, ms, cw, problems);
        for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "EMM_STORE_ENDPOINT", "EMM_STORE_BUCKET")) {
            String v = env.containsKey(key) ? env.get(key).getValue() : config.get(key);
            if (v == null || v.isBlank()) {
                problems.add(cw + ": " + key + " is not set (env or envFrom ConfigMap)");
            }
        }
        String device = env.containsKey("EMM_DEVICE") ? env.get("EMM_DEVICE").getValue() : null;
        if (device == null || !Set.of("auto", "cpu", "gpu").contains(device)) {
            problems.add(cw + ": EMM_DEVICE must be auto, cpu or gpu, not " + device);
        }
        String cacheDir = env.containsKey("DJL_CACHE_DIR") ? env.get("DJL_CACHE_DIR").getValue() : null;
        if (cacheDir == null) {
            problems.add(cw + ": DJL_CACHE_DIR is not set");
        }
        for (String dir : new String[] {"/tmp", cacheDir}) {
            if (dir != null && !writableEmptyDir(dir, c, spec)) {
                problems.add(cw + ": " + dir + " must be a writable emptyDir mount (read-only root fs)");
            }
        }
        boolean gpu = gpuCount(c) > 0;
        if (gpu != "gpu".equals(device)) {
            problems.add(cw + ": EMM_DEVICE=" + device + " but " + GPU + " " + (gpu ? "requested" : "not requested"));
        }
        if (gpu != c.getImage().endsWith("-gpu")) {
            problems.add(cw + ": image " + c.getImage() + (gpu ? " is not" : " is") + " a -gpu image");
        }
        if (gpu) {
            Quantity req = c.getResources().getRequests().get(GPU);
            if (req != null && !req.equals(c.getResources().getLimits().get(GPU))) {
                problems.add(cw + ": GPU requests must equal limits");
            }
            if (!"true".equals(Objects.requireNonNullElse(spec.getNodeSelector(), Map.of()).get("nvidia.com/gpu.present"))) {
                problems.add(cw + ": GPU pod without nodeSelector nvidia.com/gpu.present=true");
            }
            if (spec.getTolerations().stream().noneMatch(WorkloadChecks::toleratesGpuTaint)) {
                problems.add(cw + ": GPU pod does not tolerate the nvidia.com/gpu taint");
            }
        } else if (spec.getNodeSelector() != null && spec.getNodeSelector().containsKey("nvidia.com/gpu.present")) {
            problems.add(cw + ": CPU pod pinned to GPU nodes");
        }
    }

    private static boolean toleratesGpuTaint(Toleration t) {
        return GPU.equals(t.getKey()) && ("Exists".equals(t.getOperator()))
                && (t.getEffect() == null || "NoSchedule".equals(t.getEffect()));
    }

    static int gpuCount(Container c) {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return 0;
        }
        Quantity q = c.getResources().getLimits().get(GPU);
        return q == null ? 0 : Integer.parseInt(q.getAmount());
    }

    private static void checkProbe(String cw, String which, Probe p, String path, List<String> problems) {
        HTTPGetAction get = p == null ? null : p.getHttpGet();
        if (get == null || !path.equals(get.getPath()) || !portIsHttp(get.getPort())) {
            problems.add(cw + ": " + which + " probe must GET " + path + " on port http");
        }
    }

    private static boolean portIsHttp(IntOrString port) {
        return port != null && ("http".equals(port.getStrVal()) || Integer.valueOf(8080).equals(port.getIntVal()));
    }

    private static boolean writableEmptyDir(String dir, Container c, PodSpec spec) {
        for (VolumeMount m : c.getVolumeMounts()) {
            if (m.getMountPath().equals(dir) && !Boolean.TRUE.equals(m.getReadOnly())) {
                for (Volume v : spec.getVolumes()) {
                    if (v.getName().equals(m.getName()) && v.getEmptyDir() != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, String> configFromEnvFrom(Container c, List<Manifest> ms, String cw,
            List<String> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvFromSource src : c.getEnvFrom()) {
            if (src.getSecretRef() != null) {
                continue;
            }
            String name = src.getConfigMapRef().getName();
            Optional<ConfigMap> cm = all(ms, ConfigMap.class).stream()
                    .filter(m -> m.getMetadata().getName().equals(name)).findFirst();
            if (cm.isEmpty()) {
                problems.add(cw + ": envFrom ConfigMap " + name + " is not among the manifests");
            } else {
                out.putAll(cm.get().getData());
            }
        }
        return out;
    }

    /** Services, PDBs and NetworkPolicies must select at least one pod template. */
    private static void selectorsResolve(List<Manifest> ms, List<String> problems) {
        List<Pod> pods = pods(ms);
        for (Service s : all(ms, Service.class)) {
            Map<String, String> sel = s.getSpec().getSelector();
            List<Pod> selected = pods.stream().filter(p -> selects(sel, p.labels())).toList();
            if (sel == null || sel.isEmpty() || selected.isEmpty()) {
                problems.add("Service " + s.getMetadata().getName() + " selects no pod");
                continue;
            }
            for (ServicePort port : s.getSpec().getPorts()) {
                String target = port.getTargetPort() == null ? null : port.getTargetPort().getStrVal();
                if (target != null && selected.stream().noneMatch(p -> p.spec().getContainers().stream()
                        .flatMap(c -> c.getPorts().stream()).anyMatch(cp -> target.equals(cp.getName())))) {
                    problems.add("Service " + s.getMetadata().getName() + " targets port " + target
                            + " that its pods do not name");
                }
            }
        }
        for (PodDisruptionBudget pdb : all(ms, PodDisruptionBudget.class)) {
            if (pods.stream().noneMatch(p -> selects(pdb.getSpec().getSelector(), p.labels()))) {
                problems.add("PodDisruptionBudget " + pdb.getMetadata().getName() + " selects no pod");
            }
        }
        for (NetworkPolicy np : all(ms, NetworkPolicy.class)) {
            if (pods.stream().noneMatch(p -> selects(np.getSpec().getPodSelector(), p.labels()))) {
                problems.add("NetworkPolicy " + np.getMetadata().getName() + " selects no pod");
            }
        }
        for (Deployment d : all(ms, Deployment.class)) {
            if (!selects(d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                problems.add("Deployment " + d.getMetadata().getName() + ": selector does not match its template");
            }
        }
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && labels != null && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (!selector.getMatchExpressions().isEmpty()) {
            throw new AssertionError("matchExpressions in pod selectors are not checked here");
        }
        return selects(Objects.requireNonNullElse(selector.getMatchLabels(), Map.of()), labels);
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
    }

    static void assertGpu(Deployment d, boolean on) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        String n = d.getMetadata().getName();
        if (on) {
            assertEquals(1, gpuCount(c), n + " limits " + GPU);
            assertEquals("gpu", env(c, "EMM_DEVICE").getValue(), n + " EMM_DEVICE");
            assertTrue(c.getImage().endsWith("-gpu"), n + " image " + c.getImage());
            assertEquals("true", d.getSpec().getTemplate().getSpec().getNodeSelector().get("nvidia.com/gpu.present"));
        } else {
            assertEquals(0, gpuCount(c), n + " must not request " + GPU);
            Map<String, Quantity> req = c.getResources().getRequests();
            assertTrue(req == null || !req.containsKey(GPU), n + " must not request " + GPU);
            assertTrue(!"gpu".equals(env(c, "EMM_DEVICE").getValue()), n + " EMM_DEVICE");
            assertTrue(!c.getImage().endsWith("-gpu"), n + " image " + c.getImage());
        }
    }
}
