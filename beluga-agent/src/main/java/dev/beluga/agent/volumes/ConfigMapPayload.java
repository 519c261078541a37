package dev.beluga.agent.volumes;

import dev.beluga.agent.env.GoStrings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a configMap volume or projection: {@code data} and {@code binaryData}. A missing ConfigMap gives no
 * files when optional, else the kubelet's {@code configmap "NAME" not found}; a missing item key gives
 * {@code configmap references non-existent config key: KEY} unless optional.
 */
final class ConfigMapPayload {
    static final String MISSING_KEY = "configmap references non-existent config key: ";

    private ConfigMapPayload() {
    }

    static Map<String, FileProjection> make(ObjectSource objects, String namespace, String name, List<KeyToPath> items,
                                            int defaultMode, boolean optional) throws VolumeException {
        Optional<ConfigMap> cm = objects.configMap(namespace, name);
        if (cm.isEmpty() && !optional) throw new VolumeException("configmap " + GoStrings.quote(name) + " not found");
        Map<String, byte[]> data = cm.map(ObjectData::configMapAll).orElse(Map.of());
        return KeyToPathPayload.make(data, items, defaultMode, optional, MISSING_KEY);
    }
}
