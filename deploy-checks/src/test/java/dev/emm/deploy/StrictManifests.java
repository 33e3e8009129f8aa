package dev.emm.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses Kubernetes manifests into typed models and fails on anything the API server would
 * reject or silently drop. Three layers:
 * <ol>
 * <li>every apiVersion/kind must map to a typed model (fabric8 for built-in kinds and the Prometheus
 * Operator, Strimzi's api for KafkaTopic, {@link KedaModel} for KEDA), never to
 * {@link GenericKubernetesResource};</li>
 * <li>no object anywhere in the parsed graph may carry {@code additionalProperties} (fabric8 and
 * Strimzi park unknown fields there instead of failing);</li>
 * <li>serialising the model back must reproduce every scalar of the input with the same JSON type
 * (catches "replicas: '2'" or a label value of 1 that a lenient parser coerced).</li>
 * </ol>
 */
final class StrictManifests {

    static final KubernetesSerialization SERIALIZATION = newSerialization();

    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final Map<String, Class<?>> STRICT_RECORDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", KedaModel.ScaledObject.class);

    /** Quantities may be written as numbers and come back as strings. */
    private static final Pattern QUANTITY_PATH = Pattern.compile(
            ".*/(resources/(limits|requests)/.+|sizeLimit|storage|hard/.+)$");

    private StrictManifests() {
    }

    private static KubernetesSerialization newSerialization() {
        KubernetesSerialization s = new KubernetesSerialization();
        s.registerKubernetesResource("kafka.strimzi.io/v1", "KafkaTopic", KafkaTopic.class);
        s.registerKubernetesResource("kafka.strimzi.io/v1beta2", "KafkaTopic", KafkaTopic.class);
        return s;
    }

    /** A manifest with its source tree and typed model. */
    record Manifest(String source, JsonNode tree, Object model) {
        String kind() {
            return tree.path("kind").asText();
        }

        String name() {
            return tree.path("metadata").path("name").asText();
        }

        String id() {
            return Yaml.id(tree);
        }

        <T> T as(Class<T> type) {
            return type.cast(model);
        }
    }

    /** Parses every document; collects all problems and throws once, naming each. */
    static List<Manifest> parseAll(List<JsonNode> docs, String source) {
        List<Manifest> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : docs) {
            try {
                out.add(parse(doc, source));
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " manifest problem(s) in " + source + ":\n  "
                    + String.join("\n  ", problems));
        }
        return out;
    }

    static Manifest parse(JsonNode doc, String source) {
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        String where = source + " " + Yaml.id(doc);
        if (apiVersion.isEmpty() || kind.isEmpty() || doc.path("metadata").path("name").asText("").isEmpty()) {
            throw new IllegalArgumentException(where + ": apiVersion, kind and metadata.name are required");
        }
        Object model;
        JsonNode roundTrip;
        try {
            Class<?> record = STRICT_RECORDS.get(apiVersion + "/" + kind);
            if (record != null) {
                model = STRICT_JSON.treeToValue(doc, record);
                roundTrip = STRICT_JSON.valueToTree(model);
            } else {
                model = SERIALIZATION.unmarshal(STRICT_JSON.writeValueAsString(doc));
                roundTrip = STRICT_JSON.readTree(SERIALIZATION.asJson(model));
            }
        } catch (Exception e) {
            throw new IllegalArgumentException(where + ": does not parse: " + e.getMessage(), e);
        }
        if (model instanceof GenericKubernetesResource || !(model instanceof HasMetadata || model instanceof Record)) {
            throw new IllegalArgumentException(where + ": no typed model for " + apiVersion + " " + kind
                    + " (unknown kind or apiVersion)");
        }
        List<String> problems = new ArrayList<>();
        unknownFields(model, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        scalarDiffs(doc, roundTrip, "", problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(where + ": " + String.join("; ", problems));
        }
        return new Manifest(source, doc, model);
    }

    /** Paths of non-empty additionalProperties maps anywhere in a model graph. */
    static void unknownFields(Object o, String path, List<String> problems, Set<Object> seen) {
        if (o == null || o instanceof CharSequence || o instanceof Number || o instanceof Boolean
                || o instanceof Enum<?> || o instanceof JsonNode || !seen.add(o)) {
            return;
        }
        if (o instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "/" + e.getKey(), problems, seen);
            }
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "/" + i++, problems, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8.") || pkg.startsWith("io.strimzi.") || pkg.startsWith("dev.emm."))) {
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(o);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (f.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add("unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "/" : path));
                    }
                } else {
                    unknownFields(value, path + "/" + f.getName(), problems, seen);
                }
            }
        }
    }

    /** Every scalar of {@code original} must come back from the model with the same type and text. */
    static void scalarDiffs(JsonNode original, JsonNode roundTrip, String path, List<String> problems) {
        if (original.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode back = roundTrip == null ? null : roundTrip.get(e.getKey());
                scalarDiffs(e.getValue(), back, path + "/" + e.getKey(), problems);
            }
        } else if (original.isArray()) {
            for (int i = 0; i < original.size(); i++) {
                JsonNode back = roundTrip == null ? null : roundTrip.get(i);
                scalarDiffs(original.get(i), back, path + "/" + i, problems);
            }
        } else if (original.isNull()) {
            // null means "unset": nothing to compare
        } else if (roundTrip == null || roundTrip.isNull() || roundTrip.isMissingNode()) {
            problems.add("value at " + path + " was dropped by the model");
        } else if (!original.asText().equals(roundTrip.asText())
                || original.getNodeType() != roundTrip.getNodeType()) {
            boolean quantity = QUANTITY_PATH.matcher(path).matches() && original.isNumber() && roundTrip.isTextual()
                    && original.asText().equals(roundTrip.asText());
            if (!quantity) {
                problems.add("value at " + path + " is " + original.getNodeType().name().toLowerCase() + " "
                        + original + " but the model holds " + roundTrip.getNodeType().name().toLowerCase() + " "
                        + roundTrip + " (wrong type?)");
            }
        }
    }
}
