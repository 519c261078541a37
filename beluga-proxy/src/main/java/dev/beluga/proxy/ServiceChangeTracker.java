package dev.beluga.proxy;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accumulates Service and EndpointSlice events into the proxy's desired state, remembering which Services changed
 * since the last {@link #drain()} and since when (for the network-programming latency).
 *
 * <p>Threading: every method is synchronized; events come from informer threads, {@link #drain()} from the sync
 * loop. Each event recomputes only the Service it concerns; a change that leaves the derived state equal (e.g. a
 * resync, or a label change) does not mark the Service changed.
 */
public final class ServiceChangeTracker {
    /** The label linking an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final int DEFAULT_AFFINITY_SECONDS = 10800;

    private final Map<ServiceKey, Service> services = new HashMap<>();
    private final Map<ServiceKey, Map<String, EndpointSlice>> slices = new HashMap<>();
    private final TreeMap<ServiceKey, List<ServicePortInfo>> ports = new TreeMap<>();
    private final Map<ServicePortName, List<ProxyEndpoint>> endpoints = new HashMap<>();
    private final Map<ServiceKey, Long> pendingSince = new LinkedHashMap<>();
    private final java.util.function.LongSupplier nanoClock;

    public ServiceChangeTracker() {
        this(System::nanoTime);
    }

    public ServiceChangeTracker(java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** What changed since the last drain. */
    public record Update(ProxyState state, Map<ServiceKey, Long> changedSince) {
        public java.util.Set<ServiceKey> changed() {
            return changedSince.keySet();
        }
    }

    public synchronized void onService(Service svc) {
        ServiceKey key = key(svc.getMetadata().getNamespace(), svc.getMetadata().getName());
        services.put(key, svc);
        recompute(key);
    }

    public synchronized void onServiceDeleted(Service svc) {
        ServiceKey key = key(svc.getMetadata().getNamespace(), svc.getMetadata().getName());
        services.remove(key);
        recompute(key);
    }

    public synchronized void onEndpointSlice(EndpointSlice slice) {
        ServiceKey key = serviceOf(slice);
        if (key == null) return;
        slices.computeIfAbsent(key, k -> new HashMap<>()).put(slice.getMetadata().getName(), slice);
        recompute(key);
    }

    public synchronized void onEndpointSliceDeleted(EndpointSlice slice) {
        ServiceKey key = serviceOf(slice);
        if (key == null) return;
        Map<String, EndpointSlice> m = slices.get(key);
        if (m != null) {
            m.remove(slice.getMetadata().getName());
            if (m.isEmpty()) slices.remove(key);
        }
        recompute(key);
    }

    /** The current state and the Services changed since the previous call (each with its first change's nanoTime). */
    public synchronized Update drain() {
        Map<ServiceKey, Long> changed = Map.copyOf(pendingSince);
        pendingSince.clear();
        return new Update(snapshot(), changed);
    }

    /** The current state, leaving the pending changes in place. */
    public synchronized ProxyState snapshot() {
        return new ProxyState(java.util.Collections.unmodifiableSortedMap(new TreeMap<>(ports)), Map.copyOf(endpoints));
    }

    public synchronized boolean hasChanges() {
        return !pendingSince.isEmpty();
    }

    private void recompute(ServiceKey key) {
        List<ServicePortInfo> newPorts = portsOf(key, services.get(key));
        Map<ServicePortName, List<ProxyEndpoint>> newEndpoints = endpointsOf(key, newPorts, slices.get(key));
        List<ServicePortInfo> oldPorts = ports.getOrDefault(key, List.of());
        if (oldPorts.equals(newPorts)
            && newPorts.stream().allMatch(p -> Objects.equals(endpoints.get(p.name()), newEndpoints.get(p.name())))) return;
        for (ServicePortInfo p : oldPorts) endpoints.remove(p.name());
        endpoints.putAll(newEndpoints);
        if (newPorts.isEmpty()) ports.remove(key);
        else ports.put(key, newPorts);
        pendingSince.putIfAbsent(key, nanoClock.getAsLong());
    }

    private static ServiceKey key(String namespace, String name) {
        return new ServiceKey(namespace == null ? "default" : namespace, name);
    }

    private static ServiceKey serviceOf(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return svc == null ? null : key(slice.getMetadata().getNamespace(), svc);
    }

    /** The proxied ports of a Service: none for a missing, headless or ExternalName Service. */
    static List<ServicePortInfo> portsOf(ServiceKey key, Service svc) {
        if (svc == null || svc.getSpec() == null) return List.of();
        ServiceSpec spec = svc.getSpec();
        String ip = spec.getClusterIP();
        if (ip == null || ip.isEmpty() || ip.equals("None") || "ExternalName".equals(spec.getType())) return List.of();
        if (ip.contains(":")) return List.of(); // IPv6 is not proxied yet
        boolean nodePorts = "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
        List<String> lbIps = new ArrayList<>();
        if ("LoadBalancer".equals(spec.getType()) && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
            && svc.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress in : svc.getStatus().getLoadBalancer().getIngress()) {
                if (in.getIp() != null && !in.getIp().contains(":")) lbIps.add(in.getIp());
            }
        }
        List<String> externalIps = spec.getExternalIPs() == null ? List.of()
            : spec.getExternalIPs().stream().filter(a -> !a.contains(":")).toList();
        int affinity = 0;
        if ("ClientIP".equals(spec.getSessionAffinity())) {
            affinity = DEFAULT_AFFINITY_SECONDS;
            if (spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
                && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null)
                affinity = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
        }
        boolean externalLocal = "Local".equals(spec.getExternalTrafficPolicy());
        boolean internalLocal = "Local".equals(spec.getInternalTrafficPolicy());
        List<ServicePortInfo> out = new ArrayList<>();
        if (spec.getPorts() == null) return List.of();
        for (ServicePort p : spec.getPorts()) {
            Protocol proto = Protocol.of(p.getProtocol());
            if (proto == Protocol.SCTP || p.getPort() == null) continue;
            ServicePortName name = new ServicePortName(key, p.getName() == null ? "" : p.getName(), proto);
            int nodePort = nodePorts && p.getNodePort() != null ? p.getNodePort() : 0;
            out.add(new ServicePortInfo(name, ip, p.getPort(), nodePort, externalIps, lbIps, affinity,
                externalLocal && (nodePort > 0 || !externalIps.isEmpty() || !lbIps.isEmpty()), internalLocal));
        }
        out.sort(java.util.Comparator.comparing(ServicePortInfo::name));
        return List.copyOf(out);
    }

    /** Endpoints per port, merged over the Service's slices (an address appearing twice counts once). */
    static Map<ServicePortName, List<ProxyEndpoint>> endpointsOf(ServiceKey key, List<ServicePortInfo> ports,
                                                                  Map<String, EndpointSlice> slices) {
        if (ports.isEmpty() || slices == null) return Map.of();
        Map<ServicePortName, TreeSet<ProxyEndpoint>> acc = new HashMap<>();
        for (EndpointSlice slice : slices.values()) {
            if (slice.getAddressType() != null && !"IPv4".equals(slice.getAddressType())) continue;
            if (slice.getPorts() == null || slice.getEndpoints() == null) continue;
            for (EndpointPort sp : slice.getPorts()) {
                if (sp.getPort() == null) continue;
                ServicePortName name = new ServicePortName(key, sp.getName() == null ? "" : sp.getName(), Protocol.of(sp.getProtocol()));
                if (ports.stream().noneMatch(p -> p.name().equals(name))) continue;
                TreeSet<ProxyEndpoint> set = acc.computeIfAbsent(name, n -> new TreeSet<>());
                for (Endpoint e : slice.getEndpoints()) {
                    if (e.getAddresses() == null || e.getAddresses().isEmpty()) continue;
                    EndpointConditions c = e.getConditions();
                    boolean ready = c == null || c.getReady() == null || c.getReady();
                    boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
                    boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
                    set.add(new ProxyEndpoint(e.getAddresses().get(0), sp.getPort(), ready, serving, terminating, e.getNodeName()));
                }
            }
        }
        Map<ServicePortName, List<ProxyEndpoint>> out = new HashMap<>();
        acc.forEach((k, v) -> {
            if (!v.isEmpty()) out.put(k, List.copyOf(v));
        });
        return out;
    }
}
