package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ProjectedVolumeSource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeProjection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of a projected volume (the kubelet's collectData): its configMap, secret, downwardAPI and
 * serviceAccountToken sources in order, later files replacing earlier ones at the same path; every source uses the
 * volume's {@code defaultMode} unless an item has its own. A token is written with the default mode. Every source is
 * tried; errors are aggregated like the kubelet's. Sources this agent does not support (clusterTrustBundle,
 * podCertificate) are errors; so is a serviceAccountToken source when the agent has no {@link TokenSource}.
 */
final class ProjectedPayload {
    private ProjectedPayload() {
    }

    static Map<String, FileProjection> collect(Pod pod, ProjectedVolumeSource source, int defaultMode, ObjectSource objects,
                                               Optional<TokenSource> tokens, Map<String, Quantity> nodeAllocatable) throws VolumeException {
        String ns = pod.getMetadata().getNamespace();
        Map<String, FileProjection> out = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (VolumeProjection p : source.getSources() == null ? List.<VolumeProjection>of() : source.getSources()) {
            try {
                if (p.getSecret() != null) {
                    var s = p.getSecret();
                    out.putAll(SecretPayload.make(objects, ns, s.getName(), s.getItems(), defaultMode, Boolean.TRUE.equals(s.getOptional())));
                } else if (p.getConfigMap() != null) {
                    var c = p.getConfigMap();
                    out.putAll(ConfigMapPayload.make(objects, ns, c.getName(), c.getItems(), defaultMode, Boolean.TRUE.equals(c.getOptional())));
                } else if (p.getDownwardAPI() != null) {
                    out.putAll(DownwardApiPayload.collect(p.getDownwardAPI().getItems(), pod, defaultMode, nodeAllocatable));
                } else if (p.getServiceAccountToken() != null) {
                    if (tokens.isEmpty()) {
                        throw new VolumeException("cannot project a service account token: this node agent has no token source");
                    }
                    String token = tokens.get().token(pod, p.getServiceAccountToken());
                    out.put(p.getServiceAccountToken().getPath(), new FileProjection(token.getBytes(StandardCharsets.UTF_8), defaultMode));
                } else if (p.getClusterTrustBundle() != null) {
                    throw new VolumeException("clusterTrustBundle projections are not supported by this node agent");
                } else if (p.getPodCertificate() != null) {
                    throw new VolumeException("podCertificate projections are not supported by this node agent");
                }
            } catch (VolumeException e) {
                errors.add(e.getMessage());
            } catch (ObjectSource.UnavailableException e) {
                errors.add(e.getMessage());
            }
        }
        String error = Messages.aggregate(errors);
        if (error != null) throw new VolumeException(error);
        return out;
    }
}
