package dev.beluga.apiserver.registry;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which fields a built-in kind has, learned from the fabric8 kubernetes-model classes (so the object model is not
 * written by hand): finds and removes the fields of an object that its type does not know, as the typed decoding of
 * kube-apiserver does. {@code fieldValidation=Strict} turns them into a 400, {@code Warn} into warnings.
 *
 * <p>Thread-safe; the properties of each class are introspected once.
 */
public final class KnownFields {
    private static final Map<String, String> MODEL_PACKAGES = Map.ofEntries(
        Map.entry("", "io.fabric8.kubernetes.api.model"), Map.entry("apps", "io.fabric8.kubernetes.api.model.apps"),
        Map.entry("batch", "io.fabric8.kubernetes.api.model.batch.v1"),
        Map.entry("coordination.k8s.io", "io.fabric8.kubernetes.api.model.coordination.v1"),
        Map.entry("certificates.k8s.io", "io.fabric8.kubernetes.api.model.certificates.v1"),
        Map.entry("discovery.k8s.io", "io.fabric8.kubernetes.api.model.discovery.v1"),
        Map.entry("events.k8s.io", "io.fabric8.kubernetes.api.model.events.v1"),
        Map.entry("policy", "io.fabric8.kubernetes.api.model.policy.v1"),
        Map.entry("networking.k8s.io", "io.fabric8.kubernetes.api.model.networking.v1"),
        Map.entry("storage.k8s.io", "io.fabric8.kubernetes.api.model.storage"),
        Map.entry("scheduling.k8s.io", "io.fabric8.kubernetes.api.model.scheduling.v1"),
        Map.entry("rbac.authorization.k8s.io", "io.fabric8.kubernetes.api.model.rbac"));
    private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();
    private static final Map<String, Optional<Class<?>>> MODELS = new ConcurrentHashMap<>();

    private KnownFields() {
    }

    /** The model class of a kind, if fabric8 has one. */
    public static Optional<Class<?>> model(String group, String kind) {
        return MODELS.computeIfAbsent(group + "/" + kind, k -> {
            String pkg = MODEL_PACKAGES.get(group);
            if (pkg == null) return Optional.empty();
            try {
                return Optional.of(Class.forName(pkg + "." + kind));
            } catch (ClassNotFoundException e) {
                return Optional.empty();
            }
        });
    }

    /** Removes from {@code obj} every field its kind does not have; returns their paths (e.g. {@code spec.foo}). */
    public static List<String> prune(ObjectNode obj, Class<?> model) {
        List<String> unknown = new ArrayList<>();
        walk(obj, Json.MAPPER.constructType(model), "", unknown);
        return unknown;
    }

    private static void walk(JsonNode node, JavaType type, String path, List<String> unknown) {
        if (node == null || node.isNull() || type == null) return;
        if (node.isArray()) {
            if (type.isCollectionLikeType() || type.isArrayType()) {
                JavaType element = type.getContentType();
                int i = 0;
                for (JsonNode e : node) walk(e, element, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (!(node instanceof ObjectNode o)) return;
        if (type.isMapLikeType()) {
            JavaType value = type.getContentType();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), value, path + "[" + e.getKey() + "]", unknown);
            }
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || !raw.getName().startsWith("io.fabric8.")) return;
        Map<String, JavaType> props = properties(type);
        if (props.isEmpty()) return;
        List<String> remove = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JavaType t = props.get(e.getKey());
            if (t == null) {
                unknown.add(child);
                remove.add(e.getKey());
            } else {
                walk(e.getValue(), t, child, unknown);
            }
        }
        remove.forEach(o::remove);
    }

    private static Map<String, JavaType> properties(JavaType type) {
        return PROPERTIES.computeIfAbsent(type.getRawClass(), c -> {
            BeanDescription bd = Json.MAPPER.getDeserializationConfig().introspect(type);
            Map<String, JavaType> out = new HashMap<>();
            for (BeanPropertyDefinition p : bd.findProperties()) {
                if (!p.couldDeserialize()) continue;
                out.put(p.getName(), p.getPrimaryType());
            }
            return out;
        });
    }
}
