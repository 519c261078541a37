package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Services every cluster has, created at API server start when missing (only absence is checked: an edited one
 * is left alone):
 * <ul>
 *   <li>{@code default/kubernetes}: the API server, 443 → 6443, on the first address of the service CIDR;</li>
 *   <li>{@code kube-system/kube-dns}: cluster DNS, 53/UDP and 53/TCP, on the CIDR's 10th address ({@code 10.43.0.10}
 *       as in k3s), without selector — the node agents publish its EndpointSlices. Skipped, with a warning, when the
 *       CIDR is too small or the address is taken.</li>
 * </ul>
 * Both are created through the Services' registry store, so their addresses are recorded like any other. Safe to
 * run on several API servers at once (a concurrent create is a 409 and is ignored).
 */
public final class WellKnownServices {
    private static final Logger log = LoggerFactory.getLogger(WellKnownServices.class);
    private static final WriteOptions WRITE = WriteOptions.serverBuilt("beluga-apiserver");

    private WellKnownServices() {
    }

    public static void ensure(RegistryStore services, ServiceCidr cidr) {
        ensure(services, kubernetes(cidr.first()));
        String dns = cidr.dnsAddress();
        if (dns == null) log.warn("service CIDR {} has fewer than 10 addresses: no kube-dns Service", cidr);
        else ensure(services, kubeDns(dns));
    }

    private static void ensure(RegistryStore services, ObjectNode svc) {
        String ns = svc.path("metadata").path("namespace").asText();
        String name = svc.path("metadata").path("name").asText();
        try {
            ObjectNode existing = services.get(ns, name, null);
            String want = svc.path("spec").path("clusterIP").asText();
            if (!want.equals(ServiceSpecs.clusterIP(existing)))
                log.warn("service {}/{} has cluster IP {}, not {} of the configured service CIDR; delete it to have it recreated",
                    ns, name, ServiceSpecs.clusterIP(existing), want);
            return;
        } catch (StatusException e) {
            if (e.code() != 404) throw e;
        }
        try {
            services.create(ns, svc, WRITE);
        } catch (StatusException e) {
            if (e.code() == 409) return; // another API server made it meanwhile
            if (e.code() != 422) throw e;
            log.warn("cannot create service {}/{}: {}", ns, name, e.getMessage());
        }
    }

    static ObjectNode kubernetes(String ip) {
        ObjectNode svc = service("default", "kubernetes", ip);
        ((ObjectNode) svc.get("metadata")).putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        port((ArrayNode) svc.path("spec").get("ports"), "https", 443, "TCP", 6443);
        return svc;
    }

    static ObjectNode kubeDns(String ip) {
        ObjectNode svc = service("kube-system", "kube-dns", ip);
        ((ObjectNode) svc.get("metadata")).putObject("labels").put("k8s-app", "kube-dns")
            .put("kubernetes.io/cluster-service", "true").put("kubernetes.io/name", "BelugaDNS");
        ArrayNode ports = (ArrayNode) svc.path("spec").get("ports");
        port(ports, "dns", 53, "UDP", 53);
        port(ports, "dns-tcp", 53, "TCP", 53);
        // every node agent serves DNS and publishes itself as an endpoint (EndpointSlice kube-dns-<node>); each node's
        // proxy sends its pods' queries to its own server — node-local DNS, no pod to schedule
        ((ObjectNode) svc.get("spec")).put("internalTrafficPolicy", "Local");
        return svc;
    }

    private static ObjectNode service(String namespace, String name, String ip) {
        ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
        svc.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP").put("clusterIP", ip).put("sessionAffinity", "None");
        spec.putArray("clusterIPs").add(ip);
        spec.putArray("ports");
        return svc;
    }

    private static void port(ArrayNode ports, String name, int port, String protocol, int targetPort) {
        ports.addObject().put("name", name).put("port", port).put("protocol", protocol).put("targetPort", targetPort);
    }
}
