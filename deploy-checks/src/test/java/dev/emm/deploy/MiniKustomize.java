package dev.emm.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An offline renderer for the subset of kustomize that k8s/ uses, so the overlays are checked
 * without a kustomize binary (fabric8 has none). Every kustomization.yaml is read strictly into
 * {@link Kustomization}: a field this renderer does not implement fails the build instead of
 * being ignored. Where kubectl is installed, a test compares this renderer's output with
 * {@code kubectl kustomize} for every overlay.
 *
 * <p>Implemented: resources (files and folders), namespace, labels (pairs, includeSelectors
 * false, includeTemplates), images, replicas, JSON 6902 patches with kind/name/labelSelector
 * targets, and configMapGenerator from files with disableNameSuffixHash.
 */
final class MiniKustomize {

    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Kinds that have no namespace (those k8s/ could plausibly contain). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PriorityClass", "StorageClass", "PersistentVolume", "RuntimeClass");

    /** Kinds whose spec.template is a pod template. */
    private static final Set<String> POD_TEMPLATE_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet",
            "ReplicaSet", "Job");

    private static final Set<String> REPLICA_KINDS = Set.of("Deployment", "StatefulSet", "ReplicaSet");

    record Kustomization(String apiVersion, String kind, String namespace, List<LabelSpec> labels,
            List<String> resources, List<ImageSpec> images, List<ReplicaSpec> replicas, List<PatchSpec> patches,
            List<ConfigMapGeneratorSpec> configMapGenerator) {
    }

    record LabelSpec(Map<String, String> pairs, Boolean includeSelectors, Boolean includeTemplates) {
    }

    record ImageSpec(String name, String newName, String newTag) {
    }

    record ReplicaSpec(String name, Integer count) {
    }

    record PatchSpec(String path, String patch, Target target) {
    }

    record Target(String group, String version, String kind, String name, String namespace, String labelSelector) {
    }

    record ConfigMapGeneratorSpec(String name, List<String> files, GeneratorOptions options) {
    }

    record GeneratorOptions(Boolean disableNameSuffixHash, Map<String, String> labels,
            Map<String, String> annotations) {
    }

    private MiniKustomize() {
    }

    static Kustomization read(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        try {
            Kustomization k = STRICT.readValue(file.toFile(), Kustomization.class);
            if (k.apiVersion() != null && !k.apiVersion().equals("kustomize.config.k8s.io/v1beta1")) {
                throw new IllegalArgumentException(file + ": apiVersion " + k.apiVersion());
            }
            if (k.kind() != null && !k.kind().equals("Kustomization")) {
                throw new IllegalArgumentException(file + ": kind " + k.kind());
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not a kustomization this renderer supports: "
                    + e.getMessage(), e);
        }
    }

    /** Builds the kustomization in {@code dir}, as `kustomize build dir` would. */
    static List<JsonNode> build(Path dir) {
        Kustomization k = read(dir);
        List<ObjectNode> out = new ArrayList<>();
        for (String r : nullToEmpty(k.resources())) {
            Path p = dir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                for (JsonNode doc : build(p)) {
                    out.add((ObjectNode) doc);
                }
            } else {
                for (JsonNode doc : Yaml.documents(p)) {
                    out.add((ObjectNode) doc);
                }
            }
        }
        for (ConfigMapGeneratorSpec g : nullToEmpty(k.configMapGenerator())) {
            out.add(configMap(dir, g));
        }
        for (PatchSpec patch : nullToEmpty(k.patches())) {
            applyPatch(dir, patch, out);
        }
        if (k.namespace() != null) {
            for (ObjectNode doc : out) {
                if (!CLUSTER_SCOPED.contains(doc.path("kind").asText())) {
                    metadata(doc).put("namespace", k.namespace());
                }
            }
        }
        for (LabelSpec l : nullToEmpty(k.labels())) {
            if (Boolean.TRUE.equals(l.includeSelectors())) {
                throw new IllegalArgumentException(dir + ": labels.includeSelectors is not supported");
            }
            for (ObjectNode doc : out) {
                putAll(child(metadata(doc), "labels"), l.pairs());
                if (Boolean.TRUE.equals(l.includeTemplates()) && POD_TEMPLATE_KINDS.contains(doc.path("kind").asText())) {
                    ObjectNode template = child(child(doc, "spec"), "template");
                    putAll(child(child(template, "metadata"), "labels"), l.pairs());
                }
            }
        }
        for (ReplicaSpec r : nullToEmpty(k.replicas())) {
            boolean found = false;
            for (ObjectNode doc : out) {
                if (REPLICA_KINDS.contains(doc.path("kind").asText()) && r.name().equals(name(doc))) {
                    child(doc, "spec").put("replicas", r.count());
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException(dir + ": replicas: no workload named " + r.name());
            }
        }
        for (ImageSpec image : nullToEmpty(k.images())) {
            int changed = 0;
            for (ObjectNode doc : out) {
                changed += retag(doc, image);
            }
            if (changed == 0) {
                throw new IllegalArgumentException(dir + ": images: no container uses " + image.name());
            }
        }
        return new ArrayList<>(out);
    }

    private static ObjectNode configMap(Path dir, ConfigMapGeneratorSpec g) {
        GeneratorOptions options = g.options();
        if (options == null || !Boolean.TRUE.equals(options.disableNameSuffixHash())) {
            throw new IllegalArgumentException(dir + ": configMapGenerator " + g.name()
                    + " needs options.disableNameSuffixHash: true (hash suffixes are not implemented)");
        }
        ObjectNode cm = JsonNodeFactory.instance.objectNode();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        ObjectNode md = cm.putObject("metadata");
        md.put("name", g.name());
        if (options.labels() != null) {
            putAll(md.putObject("labels"), options.labels());
        }
        if (options.annotations() != null) {
            putAll(md.putObject("annotations"), options.annotations());
        }
        ObjectNode data = cm.putObject("data");
        for (String f : nullToEmpty(g.files())) {
            String key = f.contains("=") ? f.substring(0, f.indexOf('=')) : Path.of(f).getFileName().toString();
            String path = f.contains("=") ? f.substring(f.indexOf('=') + 1) : f;
            Path p = dir.resolve(path).normalize();
            if (!p.startsWith(dir.normalize())) {
                throw new IllegalArgumentException(dir + ": " + f + " is outside the kustomization root");
            }
            data.put(key, Yaml.read(p));
        }
        return cm;
    }

    private static void applyPatch(Path dir, PatchSpec spec, List<ObjectNode> docs) {
        if (spec.target() == null) {
            throw new IllegalArgumentException(dir + ": patches without target are not supported");
        }
        String text = spec.path() != null ? Yaml.read(dir.resolve(spec.path())) : spec.patch();
        List<JsonNode> parsed = Yaml.documents(text);
        if (parsed.size() != 1 || !parsed.get(0).isArray()) {
            throw new IllegalArgumentException(dir + ": patch " + spec.path()
                    + " is not a JSON 6902 operation list (strategic merge patches are not supported)");
        }
        int matched = 0;
        for (ObjectNode doc : docs) {
            if (matches(spec.target(), doc)) {
                for (JsonNode op : parsed.get(0)) {
                    applyOperation(doc, op, dir + "/" + spec.path());
                }
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(dir + ": patch " + spec.path() + " matches no resource");
        }
    }

    private static boolean matches(Target t, ObjectNode doc) {
        if (t.kind() != null && !t.kind().equals(doc.path("kind").asText())) {
            return false;
        }
        if (t.name() != null && !t.name().equals(name(doc))) {
            return false;
        }
        if (t.group() != null || t.version() != null || t.namespace() != null) {
            throw new IllegalArgumentException("patch target group/version/namespace are not supported");
        }
        if (t.labelSelector() != null) {
            for (String term : t.labelSelector().split(",")) {
                String[] kv = term.trim().split("=", 2);
                if (kv.length != 2 || kv[0].endsWith("!")) {
                    throw new IllegalArgumentException("only key=value label selectors are supported: " + term);
                }
                if (!kv[1].equals(doc.path("metadata").path("labels").path(kv[0]).asText(null))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** RFC 6902: add, remove, replace, test (what the overlays use). */
    static void applyOperation(ObjectNode doc, JsonNode op, String where) {
        String kind = op.path("op").asText();
        List<String> path = pointer(op.path("path").asText());
        JsonNode parent = doc;
        for (int i = 0; i < path.size() - 1; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(path.get(i))) : parent.get(path.get(i));
            if (parent == null) {
                throw new IllegalArgumentException(where + ": " + kind + " " + op.path("path").asText()
                        + ": no such parent in " + Yaml.id(doc));
            }
        }
        String last = path.get(path.size() - 1);
        JsonNode value = op.get("value");
        switch (kind) {
            case "add" -> {
                if (parent instanceof ArrayNode array) {
                    if (last.equals("-")) {
                        array.add(value.deepCopy());
                    } else {
                        array.insert(Integer.parseInt(last), value.deepCopy());
                    }
                } else {
                    ((ObjectNode) parent).set(last, value.deepCopy());
                }
            }
            case "replace" -> {
                JsonNode current = parent.isArray() ? parent.get(Integer.parseInt(last)) : parent.get(last);
                if (current == null) {
                    throw new IllegalArgumentException(where + ": replace of a missing value at "
                            + op.path("path").asText() + " in " + Yaml.id(doc));
                }
                if (parent instanceof ArrayNode array) {
                    array.set(Integer.parseInt(last), value.deepCopy());
                } else {
                    ((ObjectNode) parent).set(last, value.deepCopy());
                }
            }
            case "remove" -> {
                JsonNode removed = parent instanceof ArrayNode array ? array.remove(Integer.parseInt(last))
                        : ((ObjectNode) parent).remove(last);
                if (removed == null) {
                    throw new IllegalArgumentException(where + ": remove of a missing value at "
                            + op.path("path").asText());
                }
            }
            case "test" -> {
                JsonNode current = parent.isArray() ? parent.get(Integer.parseInt(last)) : parent.get(last);
                if (current == null || !current.equals(value)) {
                    throw new IllegalArgumentException(where + ": test failed at " + op.path("path").asText()
                            + " in " + Yaml.id(doc) + ": " + current + " != " + value);
                }
            }
            default -> throw new IllegalArgumentException(where + ": unsupported op " + kind);
        }
    }

    private static List<String> pointer(String p) {
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException("not a JSON pointer: " + p);
        }
        List<String> parts = new ArrayList<>();
        for (String s : p.substring(1).split("/", -1)) {
            parts.add(s.replace("~1", "/").replace("~0", "~"));
        }
        return parts;
    }

    /** Sets name and tag of every container image whose name equals {@code image.name()}. */
    private static int retag(JsonNode node, ImageSpec image) {
        int changed = 0;
        if (node instanceof ObjectNode obj) {
            for (String field : List.of("containers", "initContainers")) {
                JsonNode list = obj.get(field);
                if (list != null && list.isArray()) {
                    for (JsonNode c : list) {
                        String ref = c.path("image").asText("");
                        int slash = ref.lastIndexOf('/');
                        int colon = ref.indexOf(':', slash + 1);
                        String name = colon < 0 ? ref : ref.substring(0, colon);
                        String tag = colon < 0 ? null : ref.substring(colon + 1);
                        if (name.equals(image.name())) {
                            String newName = image.newName() != null ? image.newName() : name;
                            String newTag = image.newTag() != null ? image.newTag() : tag;
                            ((ObjectNode) c).set("image", TextNode.valueOf(newTag == null ? newName : newName + ":" + newTag));
                            changed++;
                        }
                    }
                }
            }
            for (Iterator<JsonNode> it = obj.elements(); it.hasNext(); ) {
                changed += retag(it.next(), image);
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode item : array) {
                changed += retag(item, image);
            }
        }
        return changed;
    }

    private static ObjectNode metadata(ObjectNode doc) {
        return child(doc, "metadata");
    }

    private static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    private static ObjectNode child(ObjectNode parent, String field) {
        JsonNode c = parent.get(field);
        if (c instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    private static void putAll(ObjectNode target, Map<String, String> values) {
        for (Map.Entry<String, String> e : new LinkedHashMap<>(values).entrySet()) {
            target.put(e.getKey(), e.getValue());
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
