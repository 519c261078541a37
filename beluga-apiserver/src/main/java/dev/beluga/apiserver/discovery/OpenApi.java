package dev.beluga.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.apiserver.registry.ResourceType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents: the root index and one document per group-version, with every path and operation, the
 * {@code fieldValidation} parameter kubectl looks for before it sends {@code fieldValidation=Strict}, the
 * {@code x-kubernetes-group-version-kind} extensions, and a schema per kind (top-level structure; full field schemas
 * come later). Built once; documents are addressed by content hash so clients may cache them.
 */
public final class OpenApi {
    private final ResourceRegistry registry;
    private volatile Map<String, byte[]> documents; // "api/v1" -> JSON
    private volatile Map<String, String> hashes;

    /** Documents are built on first use (or by {@link #warmUp()} in the background): building them loads many classes. */
    public OpenApi(ResourceRegistry registry) {
        this.registry = registry;
    }

    /** Builds the documents now; idempotent and thread-safe. */
    public synchronized void warmUp() {
        if (documents != null) return;
        Map<String, byte[]> docs = new LinkedHashMap<>();
        Map<String, String> h = new LinkedHashMap<>();
        for (String g : registry.groups()) {
            for (String v : registry.versions(g)) {
                String path = g.isEmpty() ? "api/" + v : "apis/" + g + "/" + v;
                byte[] doc = Json.bytes(document(registry.types(g, v)));
                docs.put(path, doc);
                h.put(path, hash(doc));
            }
        }
        hashes = h;
        documents = docs;
    }

    public ObjectNode root() {
        warmUp();
        ObjectNode o = Json.object();
        ObjectNode paths = o.putObject("paths");
        for (Map.Entry<String, String> e : hashes.entrySet())
            paths.putObject(e.getKey()).put("serverRelativeURL", "/openapi/v3/" + e.getKey() + "?hash=" + e.getValue());
        return o;
    }

    /** The document at {@code path} (e.g. "apis/apps/v1"), or null. */
    public byte[] document(String path) {
        warmUp();
        return documents.get(path);
    }

    public String hash(String path) {
        warmUp();
        return hashes.get(path);
    }

    private static ObjectNode document(List<ResourceType> types) {
        ObjectNode doc = Json.object().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ModelSchemas models = new ModelSchemas(schemas);
        for (ResourceType t : types) {
            String base = (t.group().isEmpty() ? "/api/" : "/apis/" + t.group() + "/") + t.version() + "/";
            String collection = base + (t.namespaced() ? "namespaces/{namespace}/" : "") + t.plural();
            String item = collection + "/{name}";
            ObjectNode gvk = gvk(t);
            String ref = schemaName(t);
            ObjectNode coll = paths.putObject(collection);
            coll.set("get", op("list" + t.kind(), gvk, ref + "List", false, "list"));
            coll.set("post", op("create" + t.kind(), gvk, ref, true, "post"));
            coll.set("delete", op("deletecollection" + t.kind(), gvk, null, false, "deletecollection"));
            coll.set("parameters", pathParams(t.namespaced(), false));
            ObjectNode one = paths.putObject(item);
            one.set("get", op("read" + t.kind(), gvk, ref, false, "get"));
            one.set("put", op("replace" + t.kind(), gvk, ref, true, "put"));
            one.set("patch", patchOp("patch" + t.kind(), gvk, ref));
            one.set("delete", op("delete" + t.kind(), gvk, null, false, "delete"));
            one.set("parameters", pathParams(t.namespaced(), true));
            for (ResourceType.Subresource s : t.subresources()) {
                if (!s.name().equals("status") && !s.name().equals("scale")) continue;
                ObjectNode sub = paths.putObject(item + "/" + s.name());
                ObjectNode sgvk = Json.object().put("group", s.group()).put("version", s.version()).put("kind", s.kind());
                String sref = s.name().equals("scale") ? "io.k8s.api.autoscaling.v1.Scale" : ref;
                sub.set("get", op("read" + t.kind() + cap(s.name()), sgvk, sref, false, "get"));
                sub.set("put", op("replace" + t.kind() + cap(s.name()), sgvk, sref, true, "put"));
                sub.set("patch", patchOp("patch" + t.kind() + cap(s.name()), sgvk, sref));
                sub.set("parameters", pathParams(t.namespaced(), true));
            }
            java.util.Optional<Class<?>> model = dev.beluga.apiserver.registry.KnownFields.model(t.group(), t.kind());
            if (model.isPresent()) models.addKind(ref, model.get(), gvk(t), t.kind() + " (" + t.apiVersion() + ").");
            else schemas.set(ref, kindSchema(t));
            ObjectNode list = schemas.putObject(ref + "List").put("type", "object")
                .put("description", t.kind() + "List is a list of " + t.kind() + " objects.");
            ObjectNode lp = list.putObject("properties");
            lp.putObject("apiVersion").put("type", "string");
            lp.putObject("kind").put("type", "string");
            lp.putObject("items").put("type", "array").putObject("items").putArray("allOf").addObject().put("$ref", "#/components/schemas/" + ref);
            lp.putObject("metadata").putArray("allOf").addObject().put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
            list.putArray("x-kubernetes-group-version-kind").addObject().put("group", t.group()).put("version", t.version()).put("kind", t.listKind());
        }
        if (!schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") || schemas.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").isEmpty())
            schemas.set("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", objectMeta());
        schemas.putObject("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta").put("type", "object")
            .put("description", "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.");
        ObjectNode scale = schemas.putObject("io.k8s.api.autoscaling.v1.Scale").put("type", "object")
            .put("description", "Scale represents a scaling request for a resource.");
        ObjectNode sp = scale.putObject("properties");
        sp.putObject("apiVersion").put("type", "string");
        sp.putObject("kind").put("type", "string");
        sp.putObject("metadata").putArray("allOf").addObject().put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        sp.putObject("spec").put("type", "object").putObject("properties").putObject("replicas").put("type", "integer").put("format", "int32");
        sp.putObject("status").put("type", "object");
        scale.putArray("x-kubernetes-group-version-kind").addObject().put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
        return doc;
    }

    static String schemaName(ResourceType t) {
        String g = t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "");
        return "io.k8s.api." + g + "." + t.version() + "." + t.kind();
    }

    private static ObjectNode gvk(ResourceType t) {
        return Json.object().put("group", t.group()).put("version", t.version()).put("kind", t.kind());
    }

    private static ObjectNode kindSchema(ResourceType t) {
        ObjectNode s = Json.object().put("type", "object")
            .put("description", t.kind() + " (" + t.apiVersion() + ").");
        ObjectNode p = s.putObject("properties");
        p.putObject("apiVersion").put("type", "string").put("description",
            "APIVersion defines the versioned schema of this representation of an object.");
        p.putObject("kind").put("type", "string").put("description",
            "Kind is a string value representing the REST resource this object represents.");
        p.putObject("metadata").put("description", "Standard object's metadata.").putArray("allOf").addObject()
            .put("$ref", "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        p.putObject("spec").put("type", "object").put("description", "Specification of the desired behavior of the " + t.kind() + ".")
            .put("x-kubernetes-preserve-unknown-fields", true);
        p.putObject("status").put("type", "object").put("description", "Most recently observed status of the " + t.kind() + ".")
            .put("x-kubernetes-preserve-unknown-fields", true);
        s.putArray("x-kubernetes-group-version-kind").add(gvk(t));
        return s;
    }

    private static ObjectNode objectMeta() {
        ObjectNode s = Json.object().put("type", "object").put("description",
            "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.");
        ObjectNode p = s.putObject("properties");
        p.putObject("name").put("type", "string").put("description", "Name must be unique within a namespace.");
        p.putObject("generateName").put("type", "string");
        p.putObject("namespace").put("type", "string").put("description", "Namespace defines the space within which each name must be unique.");
        p.putObject("uid").put("type", "string");
        p.putObject("resourceVersion").put("type", "string");
        p.putObject("generation").put("type", "integer").put("format", "int64");
        p.putObject("creationTimestamp").put("type", "string").put("format", "date-time");
        p.putObject("deletionTimestamp").put("type", "string").put("format", "date-time");
        p.putObject("deletionGracePeriodSeconds").put("type", "integer").put("format", "int64");
        p.putObject("labels").put("type", "object").putObject("additionalProperties").put("type", "string").put("default", "");
        p.putObject("annotations").put("type", "object").putObject("additionalProperties").put("type", "string").put("default", "");
        p.putObject("finalizers").put("type", "array").putObject("items").put("type", "string").put("default", "");
        p.putObject("ownerReferences").put("type", "array").putObject("items").put("type", "object");
        p.putObject("managedFields").put("type", "array").putObject("items").put("type", "object");
        return s;
    }

    private static ObjectNode op(String id, ObjectNode gvk, String ref, boolean validates, String action) {
        ObjectNode o = Json.object().put("operationId", id);
        ArrayNode params = o.putArray("parameters");
        if (validates) {
            params.addObject().put("name", "dryRun").put("in", "query").putObject("schema").put("type", "string").put("uniqueItems", true);
            params.addObject().put("name", "fieldManager").put("in", "query").putObject("schema").put("type", "string").put("uniqueItems", true);
            params.addObject().put("name", "fieldValidation").put("in", "query")
                .put("description", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.")
                .putObject("schema").put("type", "string").put("uniqueItems", true);
        }
        if (ref != null && validates) {
            ObjectNode content = o.putObject("requestBody").putObject("content");
            content.putObject("*/*").putObject("schema").put("$ref", "#/components/schemas/" + ref);
            o.with("requestBody").put("required", true);
        }
        ObjectNode resp = o.putObject("responses").putObject("200").put("description", "OK");
        if (ref != null) resp.putObject("content").putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + ref);
        o.put("x-kubernetes-action", action);
        o.set("x-kubernetes-group-version-kind", gvk);
        return o;
    }

    private static ObjectNode patchOp(String id, ObjectNode gvk, String ref) {
        ObjectNode o = op(id, gvk, null, true, "patch");
        ObjectNode content = o.putObject("requestBody").putObject("content");
        for (String ct : List.of("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"))
            content.putObject(ct).putObject("schema").put("type", "object");
        o.with("requestBody").put("required", true);
        params(o).addObject().put("name", "force").put("in", "query").putObject("schema").put("type", "boolean").put("uniqueItems", true);
        ((ObjectNode) o.get("responses").get("200")).putObject("content").putObject("application/json").putObject("schema")
            .put("$ref", "#/components/schemas/" + ref);
        return o;
    }

    private static ArrayNode params(ObjectNode op) {
        return (ArrayNode) op.get("parameters");
    }

    private static ArrayNode pathParams(boolean namespaced, boolean named) {
        ArrayNode a = Json.array();
        if (named) a.addObject().put("name", "name").put("in", "path").put("required", true).putObject("schema").put("type", "string").put("uniqueItems", true);
        if (namespaced) a.addObject().put("name", "namespace").put("in", "path").put("required", true).putObject("schema").put("type", "string").put("uniqueItems", true);
        a.addObject().put("name", "pretty").put("in", "query").putObject("schema").put("type", "string").put("uniqueItems", true);
        return a;
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String hash(byte[] doc) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(doc)).substring(0, 128);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
