package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.FieldErrors;
import dev.beluga.apiserver.registry.WriteHooks;
import dev.beluga.apiserver.services.AllocationRecords.Claim;
import dev.beluga.apiserver.services.AllocationRecords.Owner;
import dev.beluga.store.KvStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The Services' {@link WriteHooks}: reserves cluster IPs and node ports before a Service is written, fills in those
 * it asked the server to choose, and releases them when it no longer holds them (upstream's service REST
 * {@code alloc.go}).
 *
 * <ul>
 *   <li>create: a cluster IP (asked for, or any) unless the Service is ExternalName or headless; for NodePort and
 *       LoadBalancer a node port per port without one (not for LoadBalancers with
 *       {@code allocateLoadBalancerNodePorts: false}; ports of one service number share one node port, so a TCP and
 *       a UDP port may use the same), those asked for; a health check node port for a LoadBalancer with
 *       {@code externalTrafficPolicy: Local}. If the write then fails, everything reserved is released.</li>
 *   <li>update: what the new object holds and the old did not is reserved as on create; after a successful write,
 *       what the old held and the new does not (type changes) is released; after a failed one, what was reserved.
 *       Values the old object held are not looked up again, so ordinary updates touch no record.</li>
 *   <li>delete: everything the removed object held is released (records of other Services are never touched).</li>
 *   <li>dry runs: values are checked and chosen as for real, nothing is written.</li>
 * </ul>
 * When the store fails such that the write's outcome is unknown, records are left as they are: the
 * {@link AllocationRepair} reconciles them with the Services later.
 *
 * <p>Threading: stateless apart from the store; safe for concurrent requests.
 */
public final class ServiceAllocations implements WriteHooks {
    private static final Logger log = LoggerFactory.getLogger(ServiceAllocations.class);

    private final ServiceNetwork network;
    private final AllocationRecords records;
    private final RangeAllocator ips;
    private final RangeAllocator ports;

    public ServiceAllocations(KvStore store, ServiceNetwork network, Clock clock, RandomGenerator random) {
        this.records = new AllocationRecords(store, clock);
        this.network = network;
        this.ips = new RangeAllocator(network.cidr(), AllocationRecords.IPS, records, random);
        this.ports = new RangeAllocator(network.nodePorts(), AllocationRecords.NODE_PORTS, records, random);
    }

    public ServiceNetwork network() {
        return network;
    }

    AllocationRecords records() {
        return records;
    }

    RangeAllocator ips() {
        return ips;
    }

    RangeAllocator ports() {
        return ports;
    }

    @Override
    public Completion beforeCreate(ObjectNode obj, boolean dryRun) {
        return begin(obj, null, dryRun);
    }

    @Override
    public Completion beforeUpdate(ObjectNode obj, ObjectNode old, boolean dryRun) {
        return begin(obj, old, dryRun);
    }

    @Override
    public void afterDelete(ObjectNode obj) {
        Owner owner = Owner.of(obj);
        try {
            release(ips, ServiceSpecs.heldClusterIPs(obj), owner);
            release(ports, ServiceSpecs.heldNodePorts(obj), owner);
        } catch (RuntimeException e) {
            log.warn("releasing the cluster IP and node ports of deleted service {}: {} (repair will)", owner, e.toString());
        }
    }

    private Completion begin(ObjectNode svc, ObjectNode old, boolean dryRun) {
        Reservation r = new Reservation(Owner.of(svc), dryRun, old);
        try {
            clusterIP(svc, r);
            nodePorts(svc, r);
            healthCheckNodePort(svc, r);
        } catch (RuntimeException e) {
            r.undo();
            throw e;
        }
        if (dryRun) return Completion.NOTHING;
        return outcome -> {
            switch (outcome) {
                case STORED -> {
                    if (old == null) return;
                    Set<String> goneIps = new HashSet<>(r.heldIps);
                    goneIps.removeAll(ServiceSpecs.heldClusterIPs(svc));
                    Set<String> gonePorts = new HashSet<>(r.heldPorts);
                    gonePorts.removeAll(ServiceSpecs.heldNodePorts(svc));
                    try {
                        release(ips, goneIps, r.owner);
                        release(ports, gonePorts, r.owner);
                    } catch (RuntimeException e) {
                        log.warn("releasing what service {} gave up: {} (repair will)", r.owner, e.toString());
                    }
                }
                case NOT_STORED -> r.undo();
                case UNKNOWN -> log.warn("the write of service {} may or may not have happened: its allocations are left to repair", r.owner);
            }
        };
    }

    private void clusterIP(ObjectNode svc, Reservation r) {
        if (ServiceSpecs.isExternalName(svc) || ServiceSpecs.isHeadless(svc)) return;
        ObjectNode spec = Json.with(svc, "spec");
        String ip = ServiceSpecs.clusterIP(svc);
        if (ip.isEmpty()) {
            String chosen = ips.claimNext(r.owner, r.dryRun, Set.of());
            if (chosen == null) throw internal("failed to allocate a serviceIP: range is full");
            r.reserved(ips, chosen);
            spec.put("clusterIP", chosen);
            spec.putArray("clusterIPs").add(chosen);
            return;
        }
        if (r.heldIps.contains(ip)) return;
        if (ips.range().offsetOf(ip) < 0)
            throw invalidClusterIPs(svc, "failed to allocate IP " + ip + ": the provided IP (" + ip
                + ") is not in the valid range. The range of valid IPs is " + network.cidr());
        Claim c = ips.claim(ip, r.owner, r.dryRun);
        if (c == Claim.TAKEN) throw invalidClusterIPs(svc, "failed to allocate IP " + ip + ": provided IP is already allocated");
        if (c == Claim.NEW) r.reserved(ips, ip);
    }

    private void nodePorts(ObjectNode svc, Reservation r) {
        if (!ServiceSpecs.needsNodePorts(svc)) return;
        JsonNode list = svc.path("spec").path("ports");
        Map<Integer, Integer> byServicePort = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            int np = list.get(i).path("nodePort").asInt(0);
            if (np == 0) continue;
            claimPort(svc, np, "spec.ports[" + i + "].nodePort", "", r);
            byServicePort.putIfAbsent(list.get(i).path("port").asInt(), np);
        }
        if (!ServiceSpecs.allocatesNodePorts(svc)) return;
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode p) || p.path("nodePort").asInt(0) != 0) continue;
            Integer shared = byServicePort.get(p.path("port").asInt());
            if (shared == null) {
                String chosen = ports.claimNext(r.owner, r.dryRun, r.portsInUse());
                if (chosen == null) throw internal("failed to allocate a nodePort: range is full");
                r.reserved(ports, chosen);
                shared = Integer.parseInt(chosen);
                byServicePort.put(p.path("port").asInt(), shared);
            }
            p.put("nodePort", shared);
        }
    }

    private void healthCheckNodePort(ObjectNode svc, Reservation r) {
        if (!ServiceSpecs.needsHealthCheck(svc)) return;
        int hc = ServiceSpecs.healthCheckNodePort(svc);
        if (hc == 0) {
            String chosen = ports.claimNext(r.owner, r.dryRun, r.portsInUse());
            if (chosen == null) throw internal("failed to allocate a HealthCheck NodePort: range is full");
            r.reserved(ports, chosen);
            Json.with(svc, "spec").put("healthCheckNodePort", Integer.parseInt(chosen));
            return;
        }
        String prefix = "failed to allocate requested HealthCheck NodePort " + hc + ": ";
        if (ServiceSpecs.nodePorts(svc).contains(hc))
            throw invalid(svc, "spec.healthCheckNodePort", hc, prefix + "provided port is already allocated");
        claimPort(svc, hc, "spec.healthCheckNodePort", prefix, r);
    }

    /** Reserves node port {@code np} asked for at {@code field}, unless the Service holds it or took it just now. */
    private void claimPort(ObjectNode svc, int np, String field, String messagePrefix, Reservation r) {
        String v = Integer.toString(np);
        if (r.portsInUse().contains(v)) return;
        if (ports.range().offsetOf(v) < 0)
            throw invalid(svc, field, np, messagePrefix + "provided port is not in the valid range. The range of valid ports is "
                + network.nodePorts());
        Claim c = ports.claim(v, r.owner, r.dryRun);
        if (c == Claim.TAKEN) throw invalid(svc, field, np, messagePrefix + "provided port is already allocated");
        if (c == Claim.NEW) r.reserved(ports, v);
        else r.chosenPorts.add(v);
    }

    private static void release(RangeAllocator allocator, Set<String> values, Owner owner) {
        for (String v : values) {
            if (allocator.release(v, owner.uid())) log.debug("released {} of service {}", v, owner);
        }
    }

    /**
     * What one create or update reserved (to undo on failure) and what the old object held (not to reserve again,
     * and to release after a successful update).
     */
    private static final class Reservation {
        final Owner owner;
        final boolean dryRun;
        final Set<String> heldIps;
        final Set<String> heldPorts;
        final Set<String> chosenPorts = new HashSet<>();
        private final List<Map.Entry<RangeAllocator, String>> made = new java.util.ArrayList<>();

        Reservation(Owner owner, boolean dryRun, ObjectNode old) {
            this.owner = owner;
            this.dryRun = dryRun;
            this.heldIps = old == null ? Set.of() : ServiceSpecs.heldClusterIPs(old);
            this.heldPorts = old == null ? Set.of() : ServiceSpecs.heldNodePorts(old);
        }

        void reserved(RangeAllocator allocator, String value) {
            if (!dryRun) made.add(Map.entry(allocator, value));
            if (allocator.range() instanceof PortRange) chosenPorts.add(value);
        }

        /** Node ports the Service holds already or reserved in this operation. */
        Set<String> portsInUse() {
            Set<String> s = new HashSet<>(heldPorts);
            s.addAll(chosenPorts);
            return s;
        }

        void undo() {
            for (Map.Entry<RangeAllocator, String> e : made) {
                try {
                    e.getKey().release(e.getValue(), owner.uid());
                } catch (RuntimeException ex) {
                    log.warn("undoing the reservation of {} for service {}: {} (repair will)", e.getValue(), owner, ex.toString());
                }
            }
            made.clear();
        }
    }

    private static StatusException invalidClusterIPs(ObjectNode svc, String message) {
        FieldErrors e = new FieldErrors().add("FieldValueInvalid", "Invalid value: "
            + ServiceSpecs.goStrings(ServiceSpecs.clusterIPs(svc)) + ": " + message, "spec.clusterIPs");
        return StatusException.invalid("", "Service", svc.path("metadata").path("name").asText(), e.causes());
    }

    private static StatusException invalid(ObjectNode svc, String field, int value, String message) {
        return StatusException.invalid("", "Service", svc.path("metadata").path("name").asText(),
            new FieldErrors().invalid(field, value, message).causes());
    }

    private static StatusException internal(String message) {
        return StatusException.internal("Internal error occurred: " + message);
    }
}
