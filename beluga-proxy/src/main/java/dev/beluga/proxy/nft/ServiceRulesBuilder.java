package dev.beluga.proxy.nft;

import dev.beluga.proxy.EndpointSelection;
import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ServicePortInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.SortedMap;
import java.util.TreeMap;

import static dev.beluga.proxy.nft.NftNames.*;

/**
 * Renders one Service's nftables objects, following upstream kube-proxy's nftables mode:
 * <ul>
 *   <li>{@code service-X}: the cluster IP's entry — marks traffic from outside this node's pod CIDR for masquerade,
 *       then goes to {@code cluster-X} (or {@code local-X} under internalTrafficPolicy Local);</li>
 *   <li>{@code external-X}: the entry of node ports, external and load-balancer IPs — masquerades and goes to
 *       {@code cluster-X}, or under externalTrafficPolicy Local keeps the client IP and goes to {@code local-X}
 *       (traffic from this node's pods and the node itself still gets the cluster behaviour);</li>
 *   <li>{@code cluster-X} / {@code local-X}: session affinity lookups, then a random choice among the usable
 *       endpoints ({@code numgen random mod N}); {@code local-X} drops when this node has none;</li>
 *   <li>{@code endpoint-X__ip/port}: masquerade when a pod reaches itself (hairpin), affinity update, DNAT.</li>
 * </ul>
 * A port without any usable endpoint gets entries in the no-endpoint maps instead, which reject new connections.
 * Stateless and thread-safe.
 */
final class ServiceRulesBuilder {
    private final String nodeName;
    private final String localCidr;

    /**
     * @param nodeName  this node (endpoints with this nodeName are local)
     * @param localCidr this node's pod CIDR: traffic to a cluster IP from elsewhere is masqueraded; null = none
     */
    ServiceRulesBuilder(String nodeName, String localCidr) {
        this.nodeName = nodeName;
        this.localCidr = localCidr;
    }

    ServiceRules build(List<ServicePortInfo> ports, Map<dev.beluga.proxy.ServicePortName, List<ProxyEndpoint>> endpoints) {
        if (ports.isEmpty()) return ServiceRules.NONE;
        SortedMap<String, List<String>> chains = new TreeMap<>();
        SortedMap<String, String> sets = new TreeMap<>();
        SortedMap<String, SortedMap<String, String>> elements = new TreeMap<>();
        for (ServicePortInfo svc : ports) {
            String base = base(svc.name(), svc.port());
            String proto = svc.name().protocol().lower();
            EndpointSelection sel = EndpointSelection.of(svc, endpoints.getOrDefault(svc.name(), List.of()), nodeName);
            List<String> ipKeys = new ArrayList<>();
            ipKeys.add(svc.clusterIp() + " . " + proto + " . " + svc.port());
            List<String> externalIpKeys = new ArrayList<>();
            for (String ip : svc.externalIps()) externalIpKeys.add(ip + " . " + proto + " . " + svc.port());
            for (String ip : svc.loadBalancerIps()) externalIpKeys.add(ip + " . " + proto + " . " + svc.port());
            String nodePortKey = svc.nodePort() > 0 ? proto + " . " + svc.nodePort() : null;
            if (sel.all().isEmpty() && sel.local().isEmpty()) {
                // nothing serves this port anywhere: refuse new connections instead of letting them hang
                for (String k : ipKeys) put(elements, NO_ENDPOINT_SERVICES, k, "goto " + REJECT);
                for (String k : externalIpKeys) put(elements, NO_ENDPOINT_SERVICES, k, "goto " + REJECT);
                if (nodePortKey != null) put(elements, NO_ENDPOINT_NODEPORTS, nodePortKey, "goto " + REJECT);
                continue;
            }
            SequencedSet<ProxyEndpoint> used = new LinkedHashSet<>(sel.all());
            used.addAll(sel.local());
            for (ProxyEndpoint e : used) {
                List<String> rules = new ArrayList<>();
                rules.add("ip saddr " + e.ip() + " jump " + MARK_FOR_MASQUERADE);
                if (svc.affinitySeconds() > 0) {
                    String set = affinitySet(base, e);
                    sets.put(set, "type ipv4_addr ; flags dynamic,timeout ; timeout " + svc.affinitySeconds() + "s ;");
                    rules.add("update @" + set + " { ip saddr }");
                }
                rules.add("meta l4proto " + proto + " dnat to " + e.ip() + ":" + e.port());
                chains.put(endpointChain(base, e), rules);
            }
            String clusterChain = clusterChain(base);
            chains.put(clusterChain, balance(base, svc, sel.all()));
            boolean needLocal = svc.internalPolicyLocal() || svc.externalPolicyLocal();
            if (needLocal) chains.put(localChain(base), balance(base, svc, sel.local()));

            List<String> service = new ArrayList<>();
            if (localCidr != null)
                service.add("ip daddr " + svc.clusterIp() + " ip saddr != " + localCidr + " jump " + MARK_FOR_MASQUERADE);
            service.add("goto " + (svc.internalPolicyLocal() ? localChain(base) : clusterChain));
            chains.put(serviceChain(base), service);
            for (String k : ipKeys) put(elements, SERVICE_IPS, k, "goto " + serviceChain(base));

            if (svc.hasExternalEntry()) {
                List<String> external = new ArrayList<>();
                if (svc.externalPolicyLocal()) {
                    if (localCidr != null) external.add("ip saddr " + localCidr + " goto " + clusterChain);
                    external.add("fib saddr type local jump " + MARK_FOR_MASQUERADE);
                    external.add("fib saddr type local goto " + clusterChain);
                    external.add("goto " + localChain(base));
                } else {
                    external.add("jump " + MARK_FOR_MASQUERADE);
                    external.add("goto " + clusterChain);
                }
                chains.put(externalChain(base), external);
                for (String k : externalIpKeys) put(elements, SERVICE_IPS, k, "goto " + externalChain(base));
                if (nodePortKey != null) put(elements, SERVICE_NODEPORTS, nodePortKey, "goto " + externalChain(base));
            }
        }
        return new ServiceRules(chains, sets, elements);
    }

    /** Affinity lookups, then a random pick among {@code eps}; a drop when there are none. */
    private static List<String> balance(String base, ServicePortInfo svc, List<ProxyEndpoint> eps) {
        List<String> rules = new ArrayList<>();
        if (eps.isEmpty()) {
            rules.add("drop");
            return rules;
        }
        if (svc.affinitySeconds() > 0) {
            for (ProxyEndpoint e : eps) rules.add("ip saddr @" + affinitySet(base, e) + " goto " + endpointChain(base, e));
        }
        StringBuilder vmap = new StringBuilder("numgen random mod ").append(eps.size()).append(" vmap { ");
        for (int i = 0; i < eps.size(); i++) {
            if (i > 0) vmap.append(", ");
            vmap.append(i).append(" : goto ").append(endpointChain(base, eps.get(i)));
        }
        rules.add(vmap.append(" }").toString());
        return rules;
    }

    private static void put(SortedMap<String, SortedMap<String, String>> elements, String map, String key, String verdict) {
        elements.computeIfAbsent(map, m -> new TreeMap<>()).put(key, verdict);
    }
}
