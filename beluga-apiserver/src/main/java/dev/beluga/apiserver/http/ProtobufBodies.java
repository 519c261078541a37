package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import io.kubernetes.client.proto.Runtime;

import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes the protobuf request bodies kubectl's typed commands send ({@code kubectl create deployment|configmap|
 * secret|namespace|job|service}, {@code drain}): the {@code k8s\0} magic, a {@code runtime.Unknown} envelope naming
 * apiVersion and kind, and the typed message, which is parsed with the generated classes of
 * {@code io.kubernetes:client-java-proto} and turned into the JSON form the rest of the server works on.
 *
 * <p>The JSON mapping follows the Go types: field names are the proto (JSON) names, maps become objects, bytes
 * become base64, and the apimachinery types get their JSON forms (Quantity and IntOrString as scalars, Time as
 * RFC 3339, RawExtension as embedded JSON); inline Go structs (a volume's source, a probe's handler) are flattened,
 * and the empty strings, false booleans and zero times that Go writes for unset non-pointer fields are left out.
 */
public final class ProtobufBodies {
    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};
    private static final Set<String> INLINE = Set.of("volumeSource", "persistentVolumeSource", "probeHandler", "handler");
    private static final Map<String, String> OUTER = Map.ofEntries(
        Map.entry("v1", "V1"), Map.entry("apps/v1", "V1Apps"), Map.entry("batch/v1", "V1Batch"),
        Map.entry("policy/v1", "V1Policy"), Map.entry("autoscaling/v1", "V1Autoscaling"),
        Map.entry("networking.k8s.io/v1", "V1Networking"), Map.entry("rbac.authorization.k8s.io/v1", "V1Rbac"),
        Map.entry("authorization.k8s.io/v1", "V1Authorization"), Map.entry("authentication.k8s.io/v1", "V1Authentication"), Map.entry("storage.k8s.io/v1", "V1Storage"),
        Map.entry("scheduling.k8s.io/v1", "V1Scheduling"), Map.entry("coordination.k8s.io/v1", "V1Coordination"),
        Map.entry("certificates.k8s.io/v1", "V1Certificates"),
        Map.entry("meta.k8s.io/v1", "Meta"));
    private static final Map<String, Method> PARSERS = new ConcurrentHashMap<>();

    private ProtobufBodies() {
    }

    public static boolean isProtobuf(String contentType) {
        return contentType.equals("application/vnd.kubernetes.protobuf");
    }

    /** The body as a JSON object with apiVersion and kind set. */
    public static ObjectNode decode(byte[] body) {
        if (body.length < 4 || !Arrays.equals(Arrays.copyOf(body, 4), MAGIC))
            throw StatusException.badRequest("protobuf body does not start with the k8s magic prefix");
        Runtime.Unknown unknown;
        try {
            unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, 4, body.length));
        } catch (InvalidProtocolBufferException e) {
            throw StatusException.badRequest("invalid protobuf envelope: " + e.getMessage());
        }
        String apiVersion = unknown.getTypeMeta().getApiVersion();
        String kind = unknown.getTypeMeta().getKind();
        Message msg = parse(apiVersion, kind, unknown.getRaw());
        ObjectNode out = Json.object();
        if (!kind.equals("DeleteOptions")) out.put("apiVersion", apiVersion).put("kind", kind);
        out.setAll(toJson(msg));
        return out;
    }

    private static Message parse(String apiVersion, String kind, ByteString raw) {
        String outer = OUTER.get(apiVersion);
        if (kind.equals("DeleteOptions")) outer = "Meta";
        if (outer == null) throw StatusException.unsupportedMediaType("application/vnd.kubernetes.protobuf (" + apiVersion + " " + kind + ")");
        String cls = "io.kubernetes.client.proto." + outer + "$" + kind;
        Method parser = PARSERS.computeIfAbsent(cls, c -> {
            try {
                return Class.forName(c).getMethod("parseFrom", ByteString.class);
            } catch (ReflectiveOperationException e) {
                return null;
            }
        });
        if (parser == null) throw StatusException.unsupportedMediaType("application/vnd.kubernetes.protobuf (" + apiVersion + " " + kind + ")");
        try {
            return (Message) parser.invoke(null, raw);
        } catch (ReflectiveOperationException e) {
            throw StatusException.badRequest("invalid protobuf " + kind + ": " + e.getCause());
        }
    }

    static ObjectNode toJson(Message m) {
        ObjectNode out = Json.object();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor fd = e.getKey();
            String name = fd.getJsonName();
            if (fd.isMapField()) {
                ObjectNode map = out.putObject(name);
                for (Object entry : (List<?>) e.getValue()) {
                    Message me = (Message) entry;
                    Object k = me.getField(me.getDescriptorForType().findFieldByName("key"));
                    FieldDescriptor vd = me.getDescriptorForType().findFieldByName("value");
                    map.set(String.valueOf(k), value(vd, me.getField(vd)));
                }
            } else if (fd.isRepeated()) {
                ArrayNode arr = out.putArray(name);
                for (Object v : (List<?>) e.getValue()) arr.add(value(fd, v));
            } else if (INLINE.contains(name) && fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                out.setAll((ObjectNode) value(fd, e.getValue()));
            } else {
                JsonNode v = value(fd, e.getValue());
                // Go writes its non-pointer fields even when empty; their JSON form (omitempty) leaves them out
                if (v.isNull() || (v.isTextual() && v.asText().isEmpty()) || (v.isBoolean() && !v.asBoolean())) continue;
                out.set(name, v);
            }
        }
        return out;
    }

    private static JsonNode value(FieldDescriptor fd, Object v) {
        return switch (fd.getJavaType()) {
            case STRING -> Json.NODES.textNode((String) v);
            case INT -> Json.NODES.numberNode((Integer) v);
            case LONG -> Json.NODES.numberNode((Long) v);
            case BOOLEAN -> Json.NODES.booleanNode((Boolean) v);
            case DOUBLE -> Json.NODES.numberNode((Double) v);
            case FLOAT -> Json.NODES.numberNode((Float) v);
            case BYTE_STRING -> Json.NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM -> Json.NODES.textNode(v.toString());
            case MESSAGE -> special((Message) v);
        };
    }

    private static JsonNode special(Message m) {
        String type = m.getDescriptorForType().getFullName();
        switch (type) {
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return Json.NODES.textNode((String) m.getField(m.getDescriptorForType().findFieldByName("string")));
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString": {
                long t = ((Number) m.getField(m.getDescriptorForType().findFieldByName("type"))).longValue();
                if (t == 1) return Json.NODES.textNode((String) m.getField(m.getDescriptorForType().findFieldByName("strVal")));
                return Json.NODES.numberNode((Integer) m.getField(m.getDescriptorForType().findFieldByName("intVal")));
            }
            case "k8s.io.apimachinery.pkg.apis.meta.v1.Time", "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": {
                long s = (Long) m.getField(m.getDescriptorForType().findFieldByName("seconds"));
                int n = (Integer) m.getField(m.getDescriptorForType().findFieldByName("nanos"));
                if (s == 0 && n == 0) return Json.NODES.nullNode();
                Instant i = Instant.ofEpochSecond(s, type.endsWith("MicroTime") ? n / 1000 * 1000 : 0);
                return Json.NODES.textNode(i.toString());
            }
            case "k8s.io.apimachinery.pkg.runtime.RawExtension", "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": {
                // RawExtension's field is "raw", FieldsV1's "Raw" (managedFields in bodies kubectl sends back)
                FieldDescriptor rawField = m.getDescriptorForType().findFieldByName("raw");
                if (rawField == null) rawField = m.getDescriptorForType().findFieldByName("Raw");
                ByteString raw = (ByteString) m.getField(rawField);
                try {
                    return Json.MAPPER.readTree(raw.toByteArray());
                } catch (java.io.IOException e) {
                    throw StatusException.badRequest("invalid embedded JSON in protobuf body");
                }
            }
            default:
                return toJson(m);
        }
    }
}
