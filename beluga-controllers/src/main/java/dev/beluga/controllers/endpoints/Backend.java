package dev.beluga.controllers.endpoints;

import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/**
 * One pod behind a service, as both endpoints controllers need it: its IP, readiness, termination, and the service
 * ports resolved against its containers (a named {@code targetPort} may map to different numbers on different pods).
 *
 * @param ports the resolved ports, in the service's port order (ports that do not resolve on this pod are absent)
 */
record Backend(Pod pod, String ip, boolean ready, boolean terminating, List<ResolvedPort> ports) {
    /** A service port resolved for one pod. */
    record ResolvedPort(String name, int port, String protocol, String appProtocol) {
    }

    String hostname(String serviceName) {
        var spec = pod.getSpec();
        if (spec.getHostname() != null && !spec.getHostname().isEmpty() && serviceName.equals(spec.getSubdomain())) return spec.getHostname();
        return null;
    }
}
