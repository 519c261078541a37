package dev.beluga.apiserver.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.services.ServiceCidr;
import dev.beluga.apiserver.services.ServiceSpecs;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Validation of Services in upstream's words and field paths ({@code ValidateService}, {@code ValidateServiceUpdate}).
 * Whether a cluster IP or node port is free and in range is the allocator's to say, after this. Pure functions.
 */
final class ServiceValidation {
    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

    private ServiceValidation() {
    }

    static void validate(JsonNode o, FieldErrors e) {
        JsonNode spec = o.path("spec");
        String type = ServiceSpecs.type(o);
        if (!TYPES.contains(type)) e.notSupported("spec.type", type, TYPES);
        boolean externalName = type.equals("ExternalName");
        if (externalName && spec.path("externalName").asText("").isEmpty()) e.required("spec.externalName");
        JsonNode ports = spec.path("ports");
        if (!externalName && !ServiceSpecs.isHeadless(o) && (!ports.isArray() || ports.isEmpty())) e.required("spec.ports");
        ports(o, e);
        if (externalName) {
            if (!ServiceSpecs.clusterIPs(o).isEmpty() || !ServiceSpecs.clusterIP(o).isEmpty())
                e.forbidden("spec.clusterIPs", "may not be set for ExternalName services");
            if (spec.has("ipFamilies") && !spec.path("ipFamilies").isEmpty()) e.forbidden("spec.ipFamilies", "may not be set for ExternalName services");
            if (spec.hasNonNull("ipFamilyPolicy")) e.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services");
        } else {
            clusterIPs(o, e);
        }
        if (ServiceSpecs.isHeadless(o) && ServiceSpecs.needsNodePorts(o))
            e.invalid("spec.clusterIPs[0]", ServiceSpecs.NONE, "may not be set to 'None' for " + type + " services");
        int hc = ServiceSpecs.healthCheckNodePort(o);
        if (hc != 0 && !ServiceSpecs.needsHealthCheck(o))
            e.invalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
        if (!ServiceSpecs.isLoadBalancer(o)) {
            if (spec.hasNonNull("allocateLoadBalancerNodePorts"))
                e.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'");
            if (spec.hasNonNull("loadBalancerClass")) e.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'");
        }
        oneOf(e, "spec.sessionAffinity", spec.path("sessionAffinity").asText("None"), List.of("ClientIP", "None"));
        if (spec.hasNonNull("externalTrafficPolicy"))
            oneOf(e, "spec.externalTrafficPolicy", spec.path("externalTrafficPolicy").asText(), List.of("Cluster", "Local"));
        if (spec.hasNonNull("internalTrafficPolicy"))
            oneOf(e, "spec.internalTrafficPolicy", spec.path("internalTrafficPolicy").asText(), List.of("Cluster", "Local"));
    }

    private static void ports(JsonNode o, FieldErrors e) {
        JsonNode ports = o.path("spec").path("ports");
        Set<String> names = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        Set<String> nodePortKeys = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            String path = "spec.ports[" + i + "]";
            JsonNode port = p.path("port");
            if (!port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535)
                e.invalid(path + ".port", port.asText(), "must be between 1 and 65535, inclusive");
            String name = p.path("name").asText("");
            if (ports.size() > 1 && name.isEmpty()) e.required(path + ".name");
            else if (!name.isEmpty() && !names.add(name)) e.duplicate(path + ".name", name);
            String proto = p.path("protocol").asText("TCP");
            oneOf(e, path + ".protocol", proto, List.of("SCTP", "TCP", "UDP"));
            if (!portKeys.add(port.asText() + "/" + proto)) e.duplicate(path, port.asText() + "/" + proto);
            int np = p.path("nodePort").asInt(0);
            if (np == 0) continue;
            if (np < 0 || np > 65535) e.invalid(path + ".nodePort", np, "must be between 1 and 65535, inclusive");
            if (ServiceSpecs.type(o).equals("ClusterIP")) e.forbidden(path + ".nodePort", "may not be used when `type` is 'ClusterIP'");
            if (!nodePortKeys.add(np + "/" + proto)) e.duplicate(path + ".nodePort", np);
        }
    }

    /** The cluster IP fields of a non-ExternalName Service, on a single-stack IPv4 cluster. */
    private static void clusterIPs(JsonNode o, FieldErrors e) {
        JsonNode spec = o.path("spec");
        String ip = ServiceSpecs.clusterIP(o);
        List<String> ips = ServiceSpecs.clusterIPs(o);
        String value = ServiceSpecs.goStrings(ips);
        if (!ip.isEmpty()) {
            if (ips.isEmpty()) e.required("spec.clusterIPs");
            else if (!ips.getFirst().equals(ip)) e.add("FieldValueInvalid", "Invalid value: " + value + ": first value must match `clusterIP`", "spec.clusterIPs");
        } else if (!ips.isEmpty()) {
            e.add("FieldValueInvalid", "Invalid value: " + value + ": must be empty when `clusterIP` is not specified", "spec.clusterIPs");
        }
        if (ips.size() > 2) e.add("FieldValueInvalid", "Invalid value: " + value + ": may only hold up to 2 values", "spec.clusterIPs");
        boolean headlessWithoutSelector = ServiceSpecs.isHeadless(o) && spec.path("selector").isEmpty();
        for (int i = 0; i < ips.size(); i++) {
            String s = ips.get(i);
            if (s.equals(ServiceSpecs.NONE)) {
                if (i > 0 || ips.size() > 1)
                    e.add("FieldValueInvalid", "Invalid value: " + value + ": 'None' must be the first and only value", "spec.clusterIPs");
            } else if (ServiceCidr.parseAddress(s) == null) {
                if (isIPv6(s)) e.add("FieldValueInvalid", "Invalid value: " + value + ": IPv6 is not configured on this cluster", "spec.clusterIPs[" + i + "]");
                else e.invalid("spec.clusterIPs[" + i + "]", s, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
            }
        }
        String policy = spec.path("ipFamilyPolicy").asText("SingleStack");
        oneOf(e, "spec.ipFamilyPolicy", policy, List.of("PreferDualStack", "RequireDualStack", "SingleStack"));
        if (policy.equals("SingleStack") && ips.size() == 2)
            e.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified");
        if (policy.equals("RequireDualStack") && !headlessWithoutSelector)
            e.invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services");
        JsonNode families = spec.path("ipFamilies");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < families.size(); i++) {
            String f = families.get(i).asText();
            String path = "spec.ipFamilies[" + i + "]";
            if (!f.equals("IPv4") && !f.equals("IPv6")) e.notSupported(path, f, List.of("IPv4", "IPv6"));
            else if (!seen.add(f)) e.duplicate(path, f);
            else if (f.equals("IPv6") && !headlessWithoutSelector) e.invalid(path, f, "not configured on this cluster");
        }
    }

    static void validateUpdate(JsonNode o, JsonNode old, FieldErrors e) {
        if (ServiceSpecs.isExternalName(o) || ServiceSpecs.isExternalName(old)) return;
        if (!(ServiceSpecs.isHeadless(o) && ServiceSpecs.isHeadless(old))) {
            List<String> before = ServiceSpecs.clusterIPs(old);
            List<String> after = ServiceSpecs.clusterIPs(o);
            if (after.isEmpty() && !before.isEmpty()) {
                e.add("FieldValueRequired", "Required value: primary clusterIP can not be unset", "spec.clusterIPs[0]");
            } else {
                for (int i = 0; i < Math.min(before.size(), after.size()); i++)
                    if (!before.get(i).equals(after.get(i)))
                        e.add("FieldValueInvalid", "Invalid value: " + ServiceSpecs.goStrings(after) + ": may not change once set", "spec.clusterIPs[" + i + "]");
            }
        }
        if (ServiceSpecs.isLoadBalancer(o) && ServiceSpecs.isLoadBalancer(old)
            && !Objects.equals(o.path("spec").get("loadBalancerClass"), old.path("spec").get("loadBalancerClass")))
            e.invalid("spec.loadBalancerClass", o.path("spec").path("loadBalancerClass").asText(null), "may not change once set");
    }

    private static void oneOf(FieldErrors e, String path, String value, List<String> supported) {
        if (!supported.contains(value)) e.notSupported(path, value, supported);
    }

    private static boolean isIPv6(String s) {
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) return false;
        try {
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException ex) {
            return false;
        }
    }
}
