package dev.beluga.proxy.nft;

import dev.beluga.proxy.EndpointSelection;
import dev.beluga.proxy.Protocol;
import dev.beluga.proxy.Proxier;
import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ProxyState;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.ServicePortInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

import static dev.beluga.proxy.nft.NftNames.*;

/**
 * The nftables proxy mode: Services become rules in table {@code ip beluga-proxy} of this process's network
 * namespace (see {@link ServiceRulesBuilder} for their shape). A full sync replaces the whole table in one
 * transaction; an incremental sync rewrites, in one transaction, only the chains, sets and map entries of the
 * Services that changed — so a change costs the same with 10 or 10,000 Services, and packets never see a half-applied
 * state. Removed UDP endpoints get their conntrack entries cleared.
 *
 * <p>Threading: per the {@link Proxier} contract (one caller at a time).
 */
public final class NftablesProxier implements Proxier {
    private static final Logger log = LoggerFactory.getLogger(NftablesProxier.class);
    private static final String T = "ip " + TABLE;

    private final Nft nft;
    private final ServiceRulesBuilder builder;
    private final String nodeName;
    private final Conntrack conntrack;
    private final Map<ServiceKey, ServiceRules> installed = new HashMap<>();
    private ProxyState previous = ProxyState.EMPTY;

    /**
     * @param nodeName  this node's name (endpoints on it are local)
     * @param localCidr this node's pod CIDR (e.g. 10.42.1.0/24): traffic to cluster IPs from elsewhere is
     *                  masqueraded; null = never
     */
    public NftablesProxier(String nodeName, String localCidr) {
        this(nodeName, localCidr, List.of());
    }

    /**
     * A proxier whose commands run behind {@code prefix} (e.g. {@code ip netns exec NAME}), for tests that program
     * another network namespace than their own.
     */
    public NftablesProxier(String nodeName, String localCidr, List<String> prefix) {
        Nft found = Nft.find();
        if (found == null)
            throw new IllegalStateException("the nftables proxy needs the nft command: apt-get install nftables");
        this.nft = found.withPrefix(prefix);
        this.conntrack = new Conntrack(prefix);
        this.nodeName = nodeName;
        this.builder = new ServiceRulesBuilder(nodeName, localCidr);
    }

    /** Whether nftables can be used here: the command exists and the kernel accepts a table. */
    public static boolean available() {
        Nft n = Nft.find();
        if (n == null) return false;
        try {
            n.run(null, "list", "tables");
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public String mode() {
        return "nftables";
    }

    @Override
    public void sync(ProxyState state, Set<ServiceKey> changed, boolean full) throws Exception {
        StringBuilder script = new StringBuilder();
        Map<ServiceKey, ServiceRules> next = new HashMap<>();
        if (full) {
            for (var e : state.services().entrySet()) next.put(e.getKey(), builder.build(e.getValue(), state.endpoints()));
            renderFull(script, next);
            nft.apply(script.toString());
            installed.clear();
            installed.putAll(next);
        } else {
            for (ServiceKey key : changed) {
                ServiceRules now = builder.build(state.ports(key), state.endpoints());
                ServiceRules before = installed.getOrDefault(key, ServiceRules.NONE);
                if (now.equals(before)) continue;
                if (setDefinitionChanged(before, now)) {
                    sync(state, changed, true); // a set cannot be redefined in place; rare (affinity timeout change)
                    return;
                }
                next.put(key, now);
            }
            if (next.isEmpty()) {
                previous = state;
                return;
            }
            renderIncremental(script, next);
            nft.apply(script.toString());
            next.forEach((k, r) -> {
                if (r.chains().isEmpty() && r.elements().isEmpty()) installed.remove(k);
                else installed.put(k, r);
            });
        }
        clearStaleUdpFlows(previous, state, full ? previous.services().keySet() : changed);
        previous = state;
    }

    private static boolean setDefinitionChanged(ServiceRules before, ServiceRules now) {
        for (var e : now.sets().entrySet()) {
            String old = before.sets().get(e.getKey());
            if (old != null && !old.equals(e.getValue())) return true;
        }
        return false;
    }

    /** The base table: dispatch maps, hooks, masquerading, the no-endpoint reject. */
    private static void renderBase(StringBuilder b) {
        b.append("add table ").append(T).append('\n');
        String ipMap = "{ type ipv4_addr . inet_proto . inet_service : verdict ; }";
        String portMap = "{ type inet_proto . inet_service : verdict ; }";
        line(b, "add map " + T + " " + SERVICE_IPS + " " + ipMap);
        line(b, "add map " + T + " " + SERVICE_NODEPORTS + " " + portMap);
        line(b, "add map " + T + " " + NO_ENDPOINT_SERVICES + " " + ipMap);
        line(b, "add map " + T + " " + NO_ENDPOINT_NODEPORTS + " " + portMap);
        line(b, "add chain " + T + " nat-prerouting { type nat hook prerouting priority -100 ; policy accept ; }");
        line(b, "add chain " + T + " nat-output { type nat hook output priority -100 ; policy accept ; }");
        line(b, "add chain " + T + " nat-postrouting { type nat hook postrouting priority 100 ; policy accept ; }");
        line(b, "add chain " + T + " filter-prerouting { type filter hook prerouting priority -110 ; policy accept ; }");
        line(b, "add chain " + T + " filter-output { type filter hook output priority -110 ; policy accept ; }");
        for (String c : List.of("services", "endpoints-check", "masquerading", MARK_FOR_MASQUERADE, REJECT))
            line(b, "add chain " + T + " " + c);
        line(b, "add rule " + T + " nat-prerouting jump services");
        line(b, "add rule " + T + " nat-output jump services");
        line(b, "add rule " + T + " nat-postrouting jump masquerading");
        line(b, "add rule " + T + " filter-prerouting ct state new jump endpoints-check");
        line(b, "add rule " + T + " filter-output ct state new jump endpoints-check");
        line(b, "add rule " + T + " services ip daddr . meta l4proto . th dport vmap @" + SERVICE_IPS);
        line(b, "add rule " + T + " services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @" + SERVICE_NODEPORTS);
        line(b, "add rule " + T + " endpoints-check ip daddr . meta l4proto . th dport vmap @" + NO_ENDPOINT_SERVICES);
        line(b, "add rule " + T + " endpoints-check fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @" + NO_ENDPOINT_NODEPORTS);
        line(b, "add rule " + T + " " + MARK_FOR_MASQUERADE + " meta mark set meta mark | 0x4000");
        line(b, "add rule " + T + " masquerading meta mark & 0x4000 == 0 return");
        line(b, "add rule " + T + " masquerading meta mark set meta mark ^ 0x4000");
        line(b, "add rule " + T + " masquerading masquerade fully-random");
        line(b, "add rule " + T + " " + REJECT + " reject");
    }

    private static void renderFull(StringBuilder b, Map<ServiceKey, ServiceRules> all) {
        // replace the table in one transaction: create it (so the delete cannot fail), delete it, build it anew
        line(b, "add table " + T);
        line(b, "delete table " + T);
        renderBase(b);
        for (ServiceRules r : all.values()) {
            r.sets().forEach((name, def) -> line(b, "add set " + T + " " + name + " { " + def + " }"));
            for (String chain : r.chains().keySet()) line(b, "add chain " + T + " " + chain);
        }
        for (ServiceRules r : all.values()) {
            r.chains().forEach((chain, rules) -> {
                for (String rule : rules) line(b, "add rule " + T + " " + chain + " " + rule);
            });
        }
        for (ServiceRules r : all.values()) {
            r.elements().forEach((map, entries) ->
                entries.forEach((k, v) -> line(b, "add element " + T + " " + map + " { " + k + " : " + v + " }")));
        }
    }

    /** One transaction that turns the installed rules of the given Services into {@code next}'s. */
    private void renderIncremental(StringBuilder b, Map<ServiceKey, ServiceRules> next) {
        next.forEach((key, now) -> {
            ServiceRules before = installed.getOrDefault(key, ServiceRules.NONE);
            before.elements().forEach((map, entries) -> entries.forEach((k, v) -> {
                if (!v.equals(elementOf(now, map, k))) line(b, "delete element " + T + " " + map + " { " + k + " }");
            }));
            for (String chain : before.chains().keySet())
                if (!now.chains().containsKey(chain)) line(b, "flush chain " + T + " " + chain);
        });
        next.forEach((key, now) -> {
            ServiceRules before = installed.getOrDefault(key, ServiceRules.NONE);
            now.sets().forEach((name, def) -> {
                if (!before.sets().containsKey(name)) line(b, "add set " + T + " " + name + " { " + def + " }");
            });
            for (String chain : now.chains().keySet())
                if (!before.chains().containsKey(chain)) line(b, "add chain " + T + " " + chain);
        });
        next.forEach((key, now) -> {
            ServiceRules before = installed.getOrDefault(key, ServiceRules.NONE);
            now.chains().forEach((chain, rules) -> {
                List<String> old = before.chains().get(chain);
                if (rules.equals(old)) return;
                if (old != null) line(b, "flush chain " + T + " " + chain);
                for (String rule : rules) line(b, "add rule " + T + " " + chain + " " + rule);
            });
            now.elements().forEach((map, entries) -> entries.forEach((k, v) -> {
                if (!v.equals(elementOf(before, map, k))) line(b, "add element " + T + " " + map + " { " + k + " : " + v + " }");
            }));
        });
        next.forEach((key, now) -> {
            ServiceRules before = installed.getOrDefault(key, ServiceRules.NONE);
            for (String chain : before.chains().keySet())
                if (!now.chains().containsKey(chain)) line(b, "delete chain " + T + " " + chain);
            for (String set : before.sets().keySet())
                if (!now.sets().containsKey(set)) line(b, "delete set " + T + " " + set);
        });
    }

    private static String elementOf(ServiceRules r, String map, String key) {
        SortedMap<String, String> m = r.elements().get(map);
        return m == null ? null : m.get(key);
    }

    private void clearStaleUdpFlows(ProxyState before, ProxyState after, Set<ServiceKey> keys) {
        for (ServiceKey key : keys) {
            for (ServicePortInfo old : before.ports(key)) {
                if (old.name().protocol() != Protocol.UDP) continue;
                Set<ProxyEndpoint> was = usable(old, before.endpoints(old.name()));
                ServicePortInfo now = after.ports(key).stream().filter(p -> p.name().equals(old.name())).findFirst().orElse(null);
                Set<ProxyEndpoint> is = now == null ? Set.of() : usable(now, after.endpoints(now.name()));
                for (ProxyEndpoint e : was) {
                    if (is.contains(e)) continue;
                    conntrack.clearServiceEndpoint(old.clusterIp(), e.ip());
                    if (old.nodePort() > 0) conntrack.clearNodePortEndpoint(old.nodePort(), e.ip());
                }
            }
            for (ServicePortInfo now : after.ports(key)) {
                if (now.name().protocol() != Protocol.UDP) continue;
                ServicePortInfo old = before.ports(key).stream().filter(p -> p.name().equals(now.name())).findFirst().orElse(null);
                boolean hadNone = old == null || usable(old, before.endpoints(old.name())).isEmpty();
                if (hadNone && !usable(now, after.endpoints(now.name())).isEmpty()) conntrack.clearService(now.clusterIp());
            }
        }
    }

    private Set<ProxyEndpoint> usable(ServicePortInfo svc, List<ProxyEndpoint> eps) {
        EndpointSelection s = EndpointSelection.of(svc, eps, nodeName);
        Set<ProxyEndpoint> out = new HashSet<>(s.all());
        out.addAll(s.local());
        return out;
    }

    private static void line(StringBuilder b, String s) {
        b.append(s).append('\n');
    }

    @Override
    public void close() {
        try {
            nft.apply("add table " + T + "\ndelete table " + T + "\n");
        } catch (Exception e) {
            log.warn("removing table {}: {}", T, e.toString());
        }
        installed.clear();
        previous = ProxyState.EMPTY;
    }

    /** The rules as nft lists them (for tests and debugging). */
    public String listRules() throws Exception {
        return nft.run(null, "list", "table", "ip", TABLE);
    }
}
