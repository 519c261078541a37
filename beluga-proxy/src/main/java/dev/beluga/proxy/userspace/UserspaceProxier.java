package dev.beluga.proxy.userspace;

import dev.beluga.proxy.EndpointSelection;
import dev.beluga.proxy.ProxyEndpoint;
import dev.beluga.proxy.ProxyState;
import dev.beluga.proxy.Proxier;
import dev.beluga.proxy.ServiceKey;
import dev.beluga.proxy.ServicePortInfo;
import dev.beluga.proxy.ServicePortName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-proxy's userspace mode: Service traffic forwarded by this process rather than by kernel rules, for nodes
 * without netfilter. Each Service port gets sockets of its own — on its cluster IP, its external IPs, those of its
 * load-balancer IPs the node has, and {@code 0.0.0.0:nodePort} — and every connection (TCP) or client session (UDP)
 * they receive is forwarded to a backend chosen round robin, or by ClientIP session affinity
 * ({@link Balancer}, {@link TcpListener}, {@link UdpListener}).
 *
 * <p>To bind the cluster and external IPs, the proxier gives them to the node ({@link AddressManager}; in production
 * /32 addresses on {@code lo}), so that packets a pod sends to them, routed to the node as the pod's gateway, are
 * delivered locally. Only addresses the node does not have already are added, and only those are removed — when no
 * Service uses them any more, and in {@link #close()}. A full sync also removes the addresses an earlier agent left.
 *
 * <p>Backends see connections from the node's address, not the client's (the client IP is not preserved in
 * userspace mode, as upstream's); externalTrafficPolicy Local still limits external traffic to this node's endpoints.
 *
 * <p>On sync, only the Services in {@code changed} are touched (all of them on a full sync): a port's backends are
 * swapped in one step, and connections already established keep flowing to their backend (UDP sessions to a backend
 * that is gone end); the sockets of a Service that went away close, with their connections. A socket that cannot be
 * bound (e.g. a node port some other process has) is logged and tried again at every later sync; a failure to add
 * an address makes the sync throw, after every Service was handled, so that the runner follows with a full sync.
 *
 * <p>Threading: {@link #sync} and {@link #close} as the {@link Proxier} contract (one thread at a time); TCP data
 * paths run on virtual threads, each UDP socket on one platform thread of its own.
 */
public final class UserspaceProxier implements Proxier {
    private static final Logger log = LoggerFactory.getLogger(UserspaceProxier.class);
    private static final String ANY = "0.0.0.0";

    /**
     * @param udpIdleTimeout     a UDP session ends after this long without a datagram either way
     * @param maxUdpSessions     UDP sessions at once per listening socket; a new client beyond that ends the least
     *                           recently active one
     * @param dialTimeouts       one connection attempt to a backend per element, each with that timeout
     * @param maxAffinityClients client IPs remembered per Service port entry under ClientIP affinity
     */
    public record Options(Duration udpIdleTimeout, int maxUdpSessions, List<Duration> dialTimeouts, int maxAffinityClients) {
        public static final Options DEFAULT = new Options(Duration.ofSeconds(60), 4096,
            List.of(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)), 65_536);

        public Options {
            dialTimeouts = List.copyOf(dialTimeouts);
            if (dialTimeouts.isEmpty()) throw new IllegalArgumentException("no dial timeout");
        }
    }

    private record Unbound(ServiceKey service, Balancer balancer) {
    }

    /** The balancers of one Service port: external traffic shares the cluster IP's unless their traffic policies differ. */
    private record PortBalancers(Balancer cluster, Balancer external) {
    }

    private final String nodeName;
    private final AddressManager addresses;
    private final Options options;
    private final Map<ListenKey, Listener> listeners = new HashMap<>();
    private final Map<ServiceKey, Set<ListenKey>> listenersOf = new HashMap<>();
    private final Map<ServiceKey, Map<ServicePortName, PortBalancers>> balancersOf = new HashMap<>();
    private final Map<ServiceKey, Set<String>> addressesOf = new HashMap<>();
    private final Map<String, Integer> addressUsers = new HashMap<>();
    /** Addresses this proxier added (or adopted from an earlier agent), hence removes. */
    private final Set<String> added = new HashSet<>();
    /** Sockets that could not be bound (warned about once), with the Service and balancer they are for. */
    private final Map<ListenKey, Unbound> unbound = new HashMap<>();
    private boolean closed;

    public UserspaceProxier(String nodeName, AddressManager addresses) {
        this(nodeName, addresses, Options.DEFAULT);
    }

    public UserspaceProxier(String nodeName, AddressManager addresses, Options options) {
        this.nodeName = nodeName;
        this.addresses = addresses;
        this.options = options;
    }

    @Override
    public boolean survivesProcessExit() {
        return false;
    }

    @Override
    public String mode() {
        return "userspace";
    }

    @Override
    public void sync(ProxyState state, Set<ServiceKey> changed, boolean full) throws IOException {
        if (closed) throw new IllegalStateException("userspace proxier closed");
        Set<ServiceKey> todo = new TreeSet<>(changed);
        if (full) {
            todo.addAll(state.services().keySet());
            todo.addAll(listenersOf.keySet());
            todo.addAll(addressesOf.keySet());
            todo.addAll(balancersOf.keySet());
            added.addAll(addresses.ownedAddresses());
        }
        LocalAddresses local = new LocalAddresses();
        List<IOException> failures = new ArrayList<>();
        for (ServiceKey key : todo) syncService(key, state, local, failures);
        retryUnbound(todo);
        if (full) {
            for (String a : List.copyOf(added)) if (!addressUsers.containsKey(a)) removeAddress(a, failures);
        }
        if (!failures.isEmpty()) {
            IOException e = new IOException(failures.size() + " address operations failed, first: " + failures.getFirst().getMessage());
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private void syncService(ServiceKey key, ProxyState state, LocalAddresses local, List<IOException> failures) {
        List<ServicePortInfo> ports = state.ports(key);
        Map<ServicePortName, PortBalancers> oldBalancers = balancersOf.getOrDefault(key, Map.of());
        Map<ServicePortName, PortBalancers> balancers = new HashMap<>();
        Map<ListenKey, Balancer> want = new LinkedHashMap<>();
        Set<String> wantAddresses = new TreeSet<>();
        for (ServicePortInfo p : ports) {
            PortBalancers pb = balancers(oldBalancers.get(p.name()), p.externalPolicyLocal() != p.internalPolicyLocal());
            balancers.put(p.name(), pb);
            EndpointSelection sel = EndpointSelection.of(p, state.endpoints(p.name()), nodeName);
            pb.cluster.update(backends(sel.cluster()), p.affinitySeconds());
            if (pb.external != pb.cluster) pb.external.update(backends(sel.external(p)), p.affinitySeconds());
            want.put(new ListenKey(p.name().protocol(), p.clusterIp(), p.port()), pb.cluster);
            wantAddresses.add(p.clusterIp());
            for (String ip : p.externalIps()) {
                want.putIfAbsent(new ListenKey(p.name().protocol(), ip, p.port()), pb.external);
                wantAddresses.add(ip);
            }
            for (String ip : p.loadBalancerIps()) {
                if (local.has(ip, failures)) want.putIfAbsent(new ListenKey(p.name().protocol(), ip, p.port()), pb.external);
            }
            if (p.nodePort() > 0) want.putIfAbsent(new ListenKey(p.name().protocol(), ANY, p.nodePort()), pb.external);
        }
        unbound.entrySet().removeIf(e -> e.getValue().service().equals(key) && !want.containsKey(e.getKey()));
        if (balancers.isEmpty()) balancersOf.remove(key);
        else balancersOf.put(key, balancers);

        Set<ListenKey> have = listenersOf.getOrDefault(key, Set.of());
        Set<ListenKey> keep = new HashSet<>();
        for (ListenKey k : have) {
            Balancer b = want.get(k);
            if (b == null) {
                closeListener(k);
            } else {
                listeners.get(k).use(b);
                keep.add(k);
            }
        }
        Set<String> oldAddresses = addressesOf.getOrDefault(key, Set.of());
        for (String a : wantAddresses) {
            if (!oldAddresses.contains(a)) addressUsers.merge(a, 1, Integer::sum);
            addAddress(a, local, failures);
        }
        if (wantAddresses.isEmpty()) addressesOf.remove(key);
        else addressesOf.put(key, wantAddresses);
        want.forEach((k, b) -> {
            if (!keep.contains(k) && openListener(key, k, b)) keep.add(k);
        });
        if (keep.isEmpty()) listenersOf.remove(key);
        else listenersOf.put(key, keep);
        for (String a : oldAddresses) {
            if (wantAddresses.contains(a)) continue;
            if (addressUsers.merge(a, -1, Integer::sum) <= 0) {
                addressUsers.remove(a);
                if (added.contains(a)) removeAddress(a, failures);
            }
        }
    }

    /** Tries again to bind the sockets of Services this sync did not touch (those it did were tried just now). */
    private void retryUnbound(Set<ServiceKey> synced) {
        for (Map.Entry<ListenKey, Unbound> e : List.copyOf(unbound.entrySet())) {
            ServiceKey service = e.getValue().service();
            if (!synced.contains(service) && openListener(service, e.getKey(), e.getValue().balancer()))
                listenersOf.computeIfAbsent(service, s -> new HashSet<>()).add(e.getKey());
        }
    }

    private PortBalancers balancers(PortBalancers old, boolean separate) {
        Balancer cluster = old != null ? old.cluster : newBalancer();
        if (!separate) return new PortBalancers(cluster, cluster);
        return new PortBalancers(cluster, old != null && old.external != old.cluster ? old.external : newBalancer());
    }

    private Balancer newBalancer() {
        return new Balancer(System::nanoTime, options.maxAffinityClients());
    }

    private static List<InetSocketAddress> backends(List<ProxyEndpoint> endpoints) {
        List<InetSocketAddress> out = new ArrayList<>(endpoints.size());
        for (ProxyEndpoint e : endpoints) {
            try {
                out.add(Ipv4.socket(e.ip(), e.port()));
            } catch (IllegalArgumentException ex) { // the API server validates endpoint addresses; skip, do not fail
                log.debug("endpoint skipped: {}", ex.getMessage());
            }
        }
        return out;
    }

    private boolean openListener(ServiceKey service, ListenKey k, Balancer b) {
        if (listeners.containsKey(k)) {
            if (unbound.put(k, new Unbound(service, b)) == null) log.warn("{} of service {}: in use by another service", k, service);
            return false;
        }
        Listener l = Listener.of(k, b, options);
        try {
            l.open();
        } catch (IOException | RuntimeException e) {
            if (unbound.put(k, new Unbound(service, b)) == null) log.warn("{} of service {}: cannot listen: {}", k, service, e.toString());
            return false;
        }
        unbound.remove(k);
        listeners.put(k, l);
        log.debug("{} of service {}: listening", k, service);
        return true;
    }

    private void closeListener(ListenKey k) {
        Listener l = listeners.remove(k);
        if (l == null) return;
        l.close();
        l.awaitClosed();
    }

    private void addAddress(String ip, LocalAddresses local, List<IOException> failures) {
        // unknown local addresses: adding one the node has would make it ours, to remove later
        if (added.contains(ip) || local.has(ip, failures) || local.unknown) return;
        try {
            addresses.add(ip);
            added.add(ip);
            local.addresses.add(ip);
        } catch (IOException e) {
            failures.add(e);
        }
    }

    private void removeAddress(String ip, List<IOException> failures) {
        try {
            addresses.remove(ip);
            added.remove(ip);
        } catch (IOException e) {
            failures.add(e);
        }
    }

    /** The node's addresses, asked for once per sync and only when needed. */
    private final class LocalAddresses {
        private Set<String> addresses;
        /** Asking failed: no address is known to be local, and none may be added. */
        private boolean unknown;

        boolean has(String ip, List<IOException> failures) {
            if (addresses == null) {
                try {
                    addresses = new HashSet<>(UserspaceProxier.this.addresses.localAddresses());
                } catch (IOException e) {
                    failures.add(e);
                    addresses = new HashSet<>();
                    unknown = true;
                }
            }
            return addresses.contains(ip);
        }
    }

    /** The UDP sessions open now, over all listeners (for tests). */
    int udpSessions() {
        return listeners.values().stream().mapToInt(l -> l instanceof UdpListener u ? u.sessionCount() : 0).sum();
    }

    /** Closes every socket and connection and removes every address this proxier added. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        listeners.values().forEach(Listener::close);
        listeners.values().forEach(Listener::awaitClosed);
        listeners.clear();
        listenersOf.clear();
        balancersOf.clear();
        addressesOf.clear();
        addressUsers.clear();
        unbound.clear();
        List<IOException> failures = new ArrayList<>();
        for (String a : List.copyOf(added)) removeAddress(a, failures);
        for (IOException e : failures) log.warn("removing a service address: {}", e.getMessage());
    }
}
