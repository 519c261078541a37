package dev.beluga.agent.env;

import dev.beluga.agent.volumes.ObjectSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service link variables of a pod, as the kubelet makes them (getServiceEnvVarMap and envvars.FromServices).
 *
 * <p>Which services: the master service {@code kubernetes} of namespace {@code default} always; the services of the
 * pod's own namespace only when {@code enableServiceLinks} is not false (a service of the pod's namespace named
 * {@code kubernetes} then takes the master's place). Only services whose cluster IP is set and not {@code None} count
 * (headless and ExternalName services have none).
 *
 * <p>Per service {@code S} (name upper-cased, {@code .} and {@code -} turned into {@code _}, a leading digit prefixed
 * with {@code _}) with cluster IP {@code ip}: {@code S_SERVICE_HOST=ip}, {@code S_SERVICE_PORT=<first port>},
 * {@code S_SERVICE_PORT_<NAME>=<port>} for each named port, then the Docker-link variables {@code S_PORT=<proto>://ip:<first
 * port>} and for each port {@code S_PORT_<port>_<PROTO>} (the URL), {@code _PROTO}, {@code _PORT} and {@code _ADDR}.
 * The kubelet's order of services is a Go map's; here services are ordered by name. Stateless.
 */
final class ServiceEnv {
    static final String MASTER_NAMESPACE = "default";
    static final String MASTER_SERVICE = "kubernetes";

    private ServiceEnv() {
    }

    /** The variables for a pod of {@code namespace}, in order (service by name, then the per-service order above). */
    static Map<String, String> forPod(String namespace, boolean enableServiceLinks, ObjectSource objects) {
        Map<String, Service> byName = new TreeMap<>();
        for (Service s : objects.services(MASTER_NAMESPACE)) {
            if (MASTER_SERVICE.equals(s.getMetadata().getName()) && clusterIpSet(s)) byName.putIfAbsent(MASTER_SERVICE, s);
        }
        if (enableServiceLinks) {
            for (Service s : objects.services(namespace)) {
                if (!clusterIpSet(s)) continue;
                String name = s.getMetadata().getName();
                if (MASTER_NAMESPACE.equals(namespace) && MASTER_SERVICE.equals(name)) continue; // already taken
                byName.put(name, s);
            }
        }
        return fromServices(byName.values());
    }

    static Map<String, String> fromServices(Collection<Service> services) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Service s : services) {
            if (!clusterIpSet(s)) continue;
            String ip = s.getSpec().getClusterIP();
            String prefix = variableName(s.getMetadata().getName());
            List<ServicePort> ports = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
            out.put(prefix + "_SERVICE_HOST", ip);
            if (ports.isEmpty()) continue; // validation requires ports; nothing more to say without them
            out.put(prefix + "_SERVICE_PORT", String.valueOf(port(ports.getFirst())));
            for (ServicePort p : ports) {
                if (p.getName() != null && !p.getName().isEmpty()) {
                    out.put(prefix + "_SERVICE_PORT_" + variableName(p.getName()), String.valueOf(port(p)));
                }
            }
            for (int i = 0; i < ports.size(); i++) {
                ServicePort p = ports.get(i);
                String proto = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
                String lower = proto.toLowerCase(Locale.ROOT);
                String url = lower + "://" + ip + ":" + port(p);
                if (i == 0) out.put(prefix + "_PORT", url);
                String portPrefix = prefix + "_PORT_" + port(p) + "_" + proto.toUpperCase(Locale.ROOT);
                out.put(portPrefix, url);
                out.put(portPrefix + "_PROTO", lower);
                out.put(portPrefix + "_PORT", String.valueOf(port(p)));
                out.put(portPrefix + "_ADDR", ip);
            }
        }
        return out;
    }

    static boolean clusterIpSet(Service s) {
        String ip = s.getSpec() == null ? null : s.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }

    static String variableName(String name) {
        String v = name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
        return !v.isEmpty() && v.charAt(0) >= '0' && v.charAt(0) <= '9' ? "_" + v : v;
    }

    private static int port(ServicePort p) {
        return p.getPort() == null ? 0 : p.getPort();
    }
}
