package dev.beluga.agent.volumes;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod's host name and domain as the kubelet derives them (GeneratePodHostNameAndDomain): the host name is
 * {@code spec.hostname} or else the pod's name, cut to 63 characters (then without trailing {@code -} and {@code .});
 * the domain is {@code <subdomain>.<namespace>.svc.<clusterDomain>} when {@code spec.subdomain} is set, else empty.
 * The API server has validated both as DNS labels. Pure.
 */
public record PodHostname(String hostname, String domain) {
    private static final int MAX = 63;

    public static PodHostname of(Pod pod, String clusterDomain) {
        var spec = pod.getSpec();
        String host = spec.getHostname() != null && !spec.getHostname().isEmpty() ? spec.getHostname() : pod.getMetadata().getName();
        if (host.length() > MAX) {
            host = host.substring(0, MAX);
            int end = host.length();
            while (end > 0 && (host.charAt(end - 1) == '-' || host.charAt(end - 1) == '.')) end--;
            host = host.substring(0, end);
        }
        String domain = spec.getSubdomain() != null && !spec.getSubdomain().isEmpty()
            ? spec.getSubdomain() + "." + pod.getMetadata().getNamespace() + ".svc." + clusterDomain : "";
        return new PodHostname(host, domain);
    }
}
