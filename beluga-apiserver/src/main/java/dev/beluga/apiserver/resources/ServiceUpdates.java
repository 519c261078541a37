package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.services.ServiceSpecs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How an update of a Service is read before validation, as upstream's service REST and strategy do: values the
 * server allocated and the client left out are kept, clusterIP and clusterIPs are kept in step, and fields a type
 * change made meaningless are dropped when the client did not touch them. Pure functions of (new, old); they change
 * only the new object.
 */
final class ServiceUpdates {
    private ServiceUpdates() {
    }

    /**
     * A client that replaces a Service without the server-chosen values (e.g. {@code kubectl replace} of the original
     * manifest) keeps them: the cluster IP, node ports (by port name, when not used by another port) and the health
     * check node port.
     */
    static void patchAllocatedValues(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Json.with(svc, "spec");
        JsonNode oldSpec = old.path("spec");
        if (!ServiceSpecs.isExternalName(old) && !ServiceSpecs.isExternalName(svc)) {
            if (ServiceSpecs.clusterIP(svc).isEmpty() && !ServiceSpecs.clusterIP(old).isEmpty())
                spec.put("clusterIP", ServiceSpecs.clusterIP(old));
            if (ServiceSpecs.clusterIPs(svc).isEmpty() && !ServiceSpecs.clusterIPs(old).isEmpty())
                spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
        }
        if (ServiceSpecs.needsNodePorts(old) && ServiceSpecs.needsNodePorts(svc)) {
            Set<Integer> used = new HashSet<>(ServiceSpecs.nodePorts(svc));
            used.retainAll(ServiceSpecs.nodePorts(old));
            Map<String, Integer> byName = new HashMap<>();
            for (JsonNode p : oldSpec.path("ports")) byName.put(p.path("name").asText(""), p.path("nodePort").asInt(0));
            for (JsonNode p : spec.path("ports")) {
                if (!(p instanceof ObjectNode po) || po.path("nodePort").asInt(0) != 0) continue;
                Integer kept = byName.get(po.path("name").asText(""));
                if (kept != null && kept != 0 && !used.contains(kept)) po.put("nodePort", kept);
            }
        }
        if (ServiceSpecs.needsHealthCheck(old) && ServiceSpecs.needsHealthCheck(svc) && ServiceSpecs.healthCheckNodePort(svc) == 0
            && ServiceSpecs.healthCheckNodePort(old) != 0)
            spec.put("healthCheckNodePort", ServiceSpecs.healthCheckNodePort(old));
    }

    /**
     * Keeps clusterIP and clusterIPs in step when a client (an old one, or a patch) changed only one of them: a
     * dropped clusterIPs comes back if clusterIP is unchanged; a cleared clusterIP clears an unchanged clusterIPs;
     * a changed clusterIP with unchanged clusterIPs replaces them (validation then refuses the change).
     */
    static void normalizeClusterIPs(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Json.with(svc, "spec");
        String ip = ServiceSpecs.clusterIP(svc);
        String oldIp = ServiceSpecs.clusterIP(old);
        if (!ServiceSpecs.clusterIPs(old).isEmpty() && ServiceSpecs.clusterIPs(svc).isEmpty() && oldIp.equals(ip))
            spec.set("clusterIPs", old.path("spec").get("clusterIPs").deepCopy());
        if (!oldIp.equals(ip)) {
            boolean sameList = ServiceSpecs.clusterIPs(old).equals(ServiceSpecs.clusterIPs(svc));
            if (!oldIp.isEmpty() && ip.isEmpty() && sameList) spec.remove("clusterIPs");
            if (!ip.isEmpty() && sameList) spec.putArray("clusterIPs").add(ip);
        }
    }

    /** Drops, after a type change, the fields the new type has no use for, if the client left them as they were. */
    static void dropTypeDependentFields(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Json.with(svc, "spec");
        JsonNode oldSpec = old.path("spec");
        if (!ServiceSpecs.isExternalName(old) && ServiceSpecs.isExternalName(svc)) {
            if (same(spec, oldSpec, "clusterIP") && same(spec, oldSpec, "clusterIPs")) {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            if (same(spec, oldSpec, "ipFamilies")) spec.remove("ipFamilies");
            if (same(spec, oldSpec, "ipFamilyPolicy")) spec.remove("ipFamilyPolicy");
            if (same(spec, oldSpec, "internalTrafficPolicy")) spec.remove("internalTrafficPolicy");
        }
        if (ServiceSpecs.needsNodePorts(old) && !ServiceSpecs.needsNodePorts(svc)
            && ServiceSpecs.nodePorts(old).equals(ServiceSpecs.nodePorts(svc)))
            for (JsonNode p : spec.path("ports")) if (p instanceof ObjectNode po) po.remove("nodePort");
        if (ServiceSpecs.needsHealthCheck(old) && !ServiceSpecs.needsHealthCheck(svc) && same(spec, oldSpec, "healthCheckNodePort"))
            spec.remove("healthCheckNodePort");
        if (ServiceSpecs.isLoadBalancer(old) && !ServiceSpecs.isLoadBalancer(svc)) {
            if (same(spec, oldSpec, "allocateLoadBalancerNodePorts")) spec.remove("allocateLoadBalancerNodePorts");
            if (same(spec, oldSpec, "loadBalancerClass")) spec.remove("loadBalancerClass");
        }
        if (ServiceSpecs.externallyReachable(old) && !ServiceSpecs.externallyReachable(svc) && same(spec, oldSpec, "externalTrafficPolicy"))
            spec.remove("externalTrafficPolicy");
    }

    private static boolean same(JsonNode spec, JsonNode oldSpec, String field) {
        return Objects.equals(spec.get(field), oldSpec.get(field));
    }
}
