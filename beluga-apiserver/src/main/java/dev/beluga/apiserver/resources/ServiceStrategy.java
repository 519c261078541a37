package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.Strategy;
import dev.beluga.apiserver.services.ServiceSpecs;
import dev.beluga.apiserver.table.TableColumns;

/**
 * Services (upstream's service strategy and defaults): defaults, the cluster IP fields kept consistent, fields that no
 * longer apply after a type change dropped, validation ({@link ServiceValidation}). Cluster IPs and node ports
 * themselves are reserved by {@link dev.beluga.apiserver.services.ServiceAllocations} after validation.
 *
 * <p>The cluster is single-stack IPv4: a Service's ipFamilies default to [IPv4] and ipFamilyPolicy to SingleStack,
 * except headless Services without selector, which get RequireDualStack and [IPv4, IPv6] as upstream gives them on
 * any cluster (they hold no IP). Stateless.
 */
final class ServiceStrategy implements Strategy {

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.putObject("status").putObject("loadBalancer");
        ObjectNode spec = Json.with(obj, "spec");
        String ip = ServiceSpecs.clusterIP(obj);
        if (!ip.isEmpty() && ServiceSpecs.clusterIPs(obj).isEmpty()) spec.putArray("clusterIPs").add(ip);
        defaults(obj, null);
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ServiceUpdates.patchAllocatedValues(obj, old);
        ServiceUpdates.normalizeClusterIPs(obj, old);
        ServiceUpdates.dropTypeDependentFields(obj, old);
        defaults(obj, old);
    }

    @Override
    public void validate(ObjectNode obj, FieldErrors errors) {
        ServiceValidation.validate(obj, errors);
    }

    @Override
    public void validateUpdate(ObjectNode obj, ObjectNode old, FieldErrors errors) {
        ServiceValidation.validateUpdate(obj, old, errors);
    }

    @Override
    public TableColumns table() {
        return Printers.SERVICE;
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    /** Upstream's SetDefaults_Service, and the IP family fields as its allocator initialises them. */
    static void defaults(ObjectNode o, ObjectNode old) {
        ObjectNode spec = Json.with(o, "spec");
        if (!spec.hasNonNull("type")) spec.put("type", "ClusterIP");
        if (!spec.hasNonNull("sessionAffinity")) spec.put("sessionAffinity", "None");
        if ("ClientIP".equals(spec.path("sessionAffinity").asText()) && !spec.path("sessionAffinityConfig").path("clientIP").has("timeoutSeconds"))
            Json.with(Json.with(spec, "sessionAffinityConfig"), "clientIP").put("timeoutSeconds", 10800);
        for (JsonNode p : spec.path("ports")) {
            if (!(p instanceof ObjectNode po)) continue;
            if (!po.hasNonNull("protocol")) po.put("protocol", "TCP");
            if (!po.hasNonNull("targetPort") && po.has("port")) po.set("targetPort", po.get("port"));
        }
        if (ServiceSpecs.isExternalName(o)) return;
        if (!spec.hasNonNull("internalTrafficPolicy")) spec.put("internalTrafficPolicy", "Cluster");
        if (ServiceSpecs.externallyReachable(o) && !spec.hasNonNull("externalTrafficPolicy")) spec.put("externalTrafficPolicy", "Cluster");
        if (ServiceSpecs.isLoadBalancer(o) && !spec.hasNonNull("allocateLoadBalancerNodePorts")) spec.put("allocateLoadBalancerNodePorts", true);
        ipFamilies(o, spec, old);
    }

    private static void ipFamilies(ObjectNode o, ObjectNode spec, ObjectNode old) {
        boolean headlessWithoutSelector = ServiceSpecs.isHeadless(o) && spec.path("selector").isEmpty();
        if (!spec.hasNonNull("ipFamilyPolicy")) {
            String oldPolicy = old == null ? null : Json.text(old.path("spec"), "ipFamilyPolicy");
            spec.put("ipFamilyPolicy", oldPolicy != null ? oldPolicy : headlessWithoutSelector ? "RequireDualStack" : "SingleStack");
        }
        ArrayNode families = spec.path("ipFamilies") instanceof ArrayNode a && !a.isEmpty() ? a : spec.putArray("ipFamilies");
        if (families.isEmpty()) families.add("IPv4");
        if (headlessWithoutSelector && families.size() == 1 && !"SingleStack".equals(spec.path("ipFamilyPolicy").asText()))
            families.add("IPv4".equals(families.get(0).asText()) ? "IPv6" : "IPv4");
    }
}
