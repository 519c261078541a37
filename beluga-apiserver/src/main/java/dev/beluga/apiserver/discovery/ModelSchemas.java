package dev.beluga.apiserver.discovery;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;

import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 schemas of the built-in kinds, derived from the fabric8 kubernetes-model classes by Jackson
 * introspection: every field with its type, nested types as shared components ({@code $ref}), lists, maps,
 * int-or-string and quantities as Kubernetes describes them. {@code kubectl explain} renders from these.
 *
 * <p>Not thread-safe: used once per document while building it.
 */
final class ModelSchemas {
    private final ObjectNode components;

    ModelSchemas(ObjectNode components) {
        this.components = components;
    }

    /** Adds the schema of {@code model} (and of every type it uses) under {@code name}; returns false if unknown. */
    boolean addKind(String name, Class<?> model, ObjectNode gvk, String description) {
        ObjectNode schema = objectSchema(Json.MAPPER.constructType(model));
        schema.put("description", description);
        schema.putArray("x-kubernetes-group-version-kind").add(gvk);
        components.set(name, schema);
        return true;
    }

    private ObjectNode objectSchema(JavaType type) {
        ObjectNode s = Json.object().put("type", "object");
        ObjectNode props = s.putObject("properties");
        BeanDescription bd = Json.MAPPER.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition p : bd.findProperties()) {
            if (!p.couldDeserialize()) continue;
            ObjectNode ps = schema(p.getPrimaryType());
            String d = p.getMetadata().getDescription();
            if (d != null && !d.isEmpty()) ps.put("description", d);
            props.set(p.getName(), ps);
        }
        return s;
    }

    private ObjectNode schema(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == String.class) return Json.object().put("type", "string");
        if (raw == Integer.class || raw == int.class) return Json.object().put("type", "integer").put("format", "int32");
        if (raw == Long.class || raw == long.class) return Json.object().put("type", "integer").put("format", "int64");
        if (raw == Boolean.class || raw == boolean.class) return Json.object().put("type", "boolean");
        if (raw == Double.class || raw == double.class || raw == Float.class) return Json.object().put("type", "number").put("format", "double");
        if (t.isCollectionLikeType() || t.isArrayType()) {
            ObjectNode s = Json.object().put("type", "array");
            s.set("items", schema(t.getContentType()));
            return s;
        }
        if (t.isMapLikeType()) {
            ObjectNode s = Json.object().put("type", "object");
            s.set("additionalProperties", schema(t.getContentType()));
            return s;
        }
        String simple = raw.getSimpleName();
        if (simple.equals("IntOrString")) return Json.object().put("x-kubernetes-int-or-string", true)
            .put("description", "IntOrString is a type that can hold an int32 or a string.");
        if (simple.equals("Quantity")) return Json.object().put("type", "string")
            .put("description", "Quantity is a fixed-point representation of a number (\"100m\", \"128Mi\").");
        if (simple.equals("MicroTime") || raw == java.time.OffsetDateTime.class) return Json.object().put("type", "string").put("format", "date-time");
        if (!raw.getName().startsWith("io.fabric8.") || raw.isEnum()) return Json.object().put("type", raw.isEnum() ? "string" : "object");
        if (List.of("KubernetesResource", "HasMetadata", "RawExtension", "Object").contains(simple))
            return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        String name = componentName(raw);
        if (!components.has(name)) {
            components.putObject(name); // placeholder against cycles
            components.set(name, objectSchema(t));
        }
        ObjectNode ref = Json.object();
        ref.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + name);
        return ref;
    }

    /** fabric8 package to the Kubernetes schema name: io.k8s.api.apps.v1.DeploymentSpec and so on. */
    static String componentName(Class<?> c) {
        String pkg = c.getPackageName();
        String simple = c.getSimpleName();
        if (simple.equals("ObjectMeta") || simple.equals("ListMeta") || simple.equals("LabelSelector")
            || simple.equals("LabelSelectorRequirement") || simple.equals("OwnerReference") || simple.equals("ManagedFieldsEntry")
            || simple.equals("Condition") && pkg.equals("io.fabric8.kubernetes.api.model"))
            return "io.k8s.apimachinery.pkg.apis.meta.v1." + simple;
        Map<String, String> groups = Map.of("io.fabric8.kubernetes.api.model", "core.v1",
            "io.fabric8.kubernetes.api.model.apps", "apps.v1", "io.fabric8.kubernetes.api.model.batch.v1", "batch.v1",
            "io.fabric8.kubernetes.api.model.storage", "storage.v1", "io.fabric8.kubernetes.api.model.rbac", "rbac.v1");
        String g = groups.get(pkg);
        if (g == null) {
            String rest = pkg.replace("io.fabric8.kubernetes.api.model.", "");
            g = rest.contains(".") ? rest : rest + ".v1";
        }
        return "io.k8s.api." + g + "." + simple;
    }
}
