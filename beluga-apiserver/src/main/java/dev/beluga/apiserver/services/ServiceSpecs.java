package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the allocation-related fields of a Service (JSON) the way upstream's {@code pkg/api/service} helpers do.
 * Pure functions; never mutate their argument.
 */
public final class ServiceSpecs {
    public static final String NONE = "None";

    private ServiceSpecs() {
    }

    public static String type(JsonNode svc) {
        return svc.path("spec").path("type").asText("ClusterIP");
    }

    public static boolean isExternalName(JsonNode svc) {
        return type(svc).equals("ExternalName");
    }

    public static boolean isLoadBalancer(JsonNode svc) {
        return type(svc).equals("LoadBalancer");
    }

    /** NodePort and LoadBalancer Services have node ports. */
    public static boolean needsNodePorts(JsonNode svc) {
        String t = type(svc);
        return t.equals("NodePort") || t.equals("LoadBalancer");
    }

    /** Whether node ports are allocated for ports that name none (false only for LoadBalancers that opt out). */
    public static boolean allocatesNodePorts(JsonNode svc) {
        return type(svc).equals("NodePort")
            || isLoadBalancer(svc) && svc.path("spec").path("allocateLoadBalancerNodePorts").asBoolean(true);
    }

    /** A LoadBalancer with {@code externalTrafficPolicy: Local} gets a health check node port. */
    public static boolean needsHealthCheck(JsonNode svc) {
        return isLoadBalancer(svc) && "Local".equals(svc.path("spec").path("externalTrafficPolicy").asText());
    }

    /** Whether the externalTrafficPolicy applies: externally reachable Services (node ports or external IPs). */
    public static boolean externallyReachable(JsonNode svc) {
        JsonNode externalIPs = svc.path("spec").path("externalIPs");
        return needsNodePorts(svc) || externalIPs.isArray() && !externalIPs.isEmpty();
    }

    public static String clusterIP(JsonNode svc) {
        return svc.path("spec").path("clusterIP").asText("");
    }

    public static boolean isHeadless(JsonNode svc) {
        return NONE.equals(clusterIP(svc));
    }

    /** spec.clusterIPs as a list (empty when absent). */
    public static List<String> clusterIPs(JsonNode svc) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : svc.path("spec").path("clusterIPs")) out.add(n.asText());
        return out;
    }

    /** The cluster IPs the Service holds: none for ExternalName and headless Services. */
    public static Set<String> heldClusterIPs(JsonNode svc) {
        Set<String> out = new LinkedHashSet<>();
        if (isExternalName(svc)) return out;
        String ip = clusterIP(svc);
        if (!ip.isEmpty() && !ip.equals(NONE)) out.add(ip);
        for (String s : clusterIPs(svc)) if (!s.isEmpty() && !s.equals(NONE)) out.add(s);
        return out;
    }

    /** The node port of each port, 0 where none (in port order). */
    public static List<Integer> nodePorts(JsonNode svc) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode p : svc.path("spec").path("ports")) out.add(p.path("nodePort").asInt(0));
        return out;
    }

    public static int healthCheckNodePort(JsonNode svc) {
        return svc.path("spec").path("healthCheckNodePort").asInt(0);
    }

    /**
     * The node ports the Service holds: its ports' (NodePort and LoadBalancer Services only) and its health check
     * node port (LoadBalancers with externalTrafficPolicy Local only).
     */
    public static Set<String> heldNodePorts(JsonNode svc) {
        Set<String> out = new LinkedHashSet<>();
        if (needsNodePorts(svc)) for (int np : nodePorts(svc)) if (np > 0) out.add(Integer.toString(np));
        int hc = healthCheckNodePort(svc);
        if (hc > 0 && needsHealthCheck(svc)) out.add(Integer.toString(hc));
        return out;
    }

    /** A list of strings as upstream prints it in messages: {@code []string{"10.43.0.10"}}. */
    public static String goStrings(List<String> values) {
        StringBuilder sb = new StringBuilder("[]string{");
        for (int i = 0; i < values.size(); i++) sb.append(i > 0 ? ", " : "").append('"').append(values.get(i)).append('"');
        return sb.append('}').toString();
    }
}
