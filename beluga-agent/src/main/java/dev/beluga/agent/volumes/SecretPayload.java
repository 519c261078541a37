package dev.beluga.agent.volumes;

import dev.beluga.agent.env.GoStrings;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a secret volume or projection. A missing Secret gives no files when optional, else the kubelet's
 * {@code secret "NAME" not found}; a missing item key gives {@code references non-existent secret key: KEY} unless
 * optional.
 */
final class SecretPayload {
    static final String MISSING_KEY = "references non-existent secret key: ";

    private SecretPayload() {
    }

    static Map<String, FileProjection> make(ObjectSource objects, String namespace, String name, List<KeyToPath> items,
                                            int defaultMode, boolean optional) throws VolumeException {
        Optional<Secret> secret = objects.secret(namespace, name);
        if (secret.isEmpty() && !optional) throw new VolumeException("secret " + GoStrings.quote(name) + " not found");
        Map<String, byte[]> data = secret.map(ObjectData::secret).orElse(Map.of());
        return KeyToPathPayload.make(data, items, defaultMode, optional, MISSING_KEY);
    }
}
