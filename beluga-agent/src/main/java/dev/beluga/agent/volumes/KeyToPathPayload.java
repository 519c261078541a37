package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.KeyToPath;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a ConfigMap or Secret projection (the kubelet's makePayload): every key as a file named after it with
 * the default mode, or, when items are given, only those keys at their paths with their own mode or the default. A key
 * an item names that the object lacks is skipped when the reference is optional, else an error. Pure function.
 */
final class KeyToPathPayload {
    private KeyToPathPayload() {
    }

    /**
     * @param missingKeyPrefix the kubelet's message for a missing key, to which the key is appended
     *                         ({@code configmap references non-existent config key: }, {@code references non-existent secret key: })
     */
    static Map<String, FileProjection> make(Map<String, byte[]> data, List<KeyToPath> items, int defaultMode,
                                            boolean optional, String missingKeyPrefix) throws VolumeException {
        Map<String, FileProjection> out = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((key, value) -> out.put(key, new FileProjection(value, defaultMode)));
            return out;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (optional) continue;
                throw new VolumeException(missingKeyPrefix + item.getKey());
            }
            out.put(item.getPath(), new FileProjection(value, item.getMode() != null ? item.getMode() : defaultMode));
        }
        return out;
    }
}
