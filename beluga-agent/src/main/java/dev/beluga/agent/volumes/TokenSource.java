package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;

/**
 * Service account tokens for projected volumes (the kubelet's token manager over the TokenRequest API): a token for
 * the pod's service account ({@code spec.serviceAccountName}), bound to the pod, for the projection's audience (none:
 * the API server's) and {@code expirationSeconds} (the API default is 3600).
 *
 * <p>Contract: called on every {@link PodVolumes#setUp} and {@link PodVolumes#refresh} of a pod with such a
 * projection, so implementations cache and return the same token until it should be rotated (the kubelet renews at
 * 80% of its lifetime or after 24 hours); a new token makes the volume's content change. Safe for concurrent use.
 * Failures are {@link VolumeException}s whose message is reported as the volume's setup error.
 */
public interface TokenSource {
    String token(Pod pod, ServiceAccountTokenProjection projection) throws VolumeException;
}
