package dev.beluga.controllers.endpoints;

import dev.beluga.api.labels.LabelSelector;
import dev.beluga.controllers.runtime.PodStates;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which pods back a service and on which ports (upstream's endpoints logic): pods of the service's namespace that
 * match its selector, have an IP and have not finished; ready from the pod's Ready condition; terminating when
 * being deleted. A {@code targetPort} given by name is looked up among the pod's container ports (same protocol);
 * a numeric one (or none: the service port) is used as is. Stateless.
 */
final class ServiceBackends {
    private ServiceBackends() {
    }

    /** Whether the controllers manage endpoints for this service (it has a selector and is not ExternalName). */
    static boolean managed(Service svc) {
        var spec = svc.getSpec();
        return spec != null && spec.getSelector() != null && !spec.getSelector().isEmpty() && !"ExternalName".equals(spec.getType());
    }

    static List<Backend> of(Service svc, List<Pod> namespacePods) {
        LabelSelector selector = LabelSelector.fromSet(svc.getSpec().getSelector());
        List<Backend> out = new ArrayList<>();
        for (Pod p : namespacePods) {
            Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
            if (!selector.matches(labels)) continue;
            String phase = PodStates.phase(p);
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) continue;
            String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
            if (ip == null || ip.isEmpty()) continue;
            List<Backend.ResolvedPort> ports = new ArrayList<>();
            if (svc.getSpec().getPorts() != null) {
                for (ServicePort sp : svc.getSpec().getPorts()) {
                    Integer port = resolve(sp, p);
                    String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
                    if (port != null) ports.add(new Backend.ResolvedPort(sp.getName() == null ? "" : sp.getName(), port, protocol, sp.getAppProtocol()));
                }
            }
            out.add(new Backend(p, ip, PodStates.isReady(p), p.getMetadata().getDeletionTimestamp() != null, ports));
        }
        return out;
    }

    static Integer resolve(ServicePort sp, Pod pod) {
        IntOrString target = sp.getTargetPort();
        if (target == null) return sp.getPort();
        if (target.getIntVal() != null) return target.getIntVal();
        String name = target.getStrVal();
        if (name == null || name.isEmpty()) return sp.getPort();
        if (name.matches("\\d+")) return Integer.parseInt(name);
        String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
        for (List<Container> cs : List.of(pod.getSpec().getContainers(),
            pod.getSpec().getInitContainers() == null ? List.<Container>of() : pod.getSpec().getInitContainers())) {
            for (Container c : cs) {
                if (c.getPorts() == null) continue;
                for (ContainerPort cp : c.getPorts()) {
                    String cpProtocol = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                    if (name.equals(cp.getName()) && protocol.equals(cpProtocol)) return cp.getContainerPort();
                }
            }
        }
        return null;
    }
}
