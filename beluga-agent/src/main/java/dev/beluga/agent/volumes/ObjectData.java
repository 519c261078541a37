package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key/value content of ConfigMaps and Secrets as bytes, in key order: ConfigMap {@code data} is UTF-8 text,
 * ConfigMap {@code binaryData} and Secret {@code data} are base64 on the wire (fabric8 keeps them encoded). Secret
 * {@code stringData} is ignored: the API server folds it into {@code data} and never returns it. Pure functions.
 */
public final class ObjectData {
    private ObjectData() {
    }

    /** ConfigMap {@code data} only (what environment variables read). */
    public static Map<String, byte[]> configMapText(ConfigMap cm) {
        Map<String, byte[]> out = new TreeMap<>();
        if (cm.getData() != null) cm.getData().forEach((k, v) -> out.put(k, bytes(v)));
        return out;
    }

    /** ConfigMap {@code data} and {@code binaryData} (what volumes project; keys never overlap in valid objects). */
    public static Map<String, byte[]> configMapAll(ConfigMap cm) {
        Map<String, byte[]> out = configMapText(cm);
        if (cm.getBinaryData() != null) cm.getBinaryData().forEach((k, v) -> out.put(k, decode(v)));
        return out;
    }

    public static Map<String, byte[]> secret(Secret secret) {
        Map<String, byte[]> out = new TreeMap<>();
        if (secret.getData() != null) secret.getData().forEach((k, v) -> out.put(k, decode(v)));
        return out;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] decode(String base64) {
        if (base64 == null) return new byte[0];
        return Base64.getMimeDecoder().decode(base64);
    }
}
