package dev.beluga.apiserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.registry.CachedObject;
import dev.beluga.apiserver.registry.ListOptions;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.services.AllocationRecords.Entry;
import dev.beluga.apiserver.services.AllocationRecords.Owner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciles the allocation records with the Services (upstream's service IP and node port repair controllers):
 * <ul>
 *   <li>a record no Service holds — its Service is gone, has another uid, or no longer uses the value — is deleted,
 *       once older than the grace period (a younger one may belong to a create or update still in flight: records
 *       are written before their Service);</li>
 *   <li>a value a Service holds without a record gets one, if it is in the configured range (a Service from before
 *       a change of range keeps its value unrecorded, with a warning); a value recorded for another Service is
 *       reported as a duplicate.</li>
 * </ul>
 * This covers a crash between reserving and writing a Service, a store failure of unknown outcome, data from before
 * allocation was recorded, and the rare race of two concurrent updates of one Service.
 *
 * <p>The records are read before the Services (at a newer revision), so a Service is never judged missing for a
 * record written after the list. Idempotent; safe to run concurrently with requests and with the repair of another
 * API server (every delete compares the record's revision, every create is create-if-absent).
 */
public final class AllocationRepair {
    private static final Logger log = LoggerFactory.getLogger(AllocationRepair.class);
    public static final Duration GRACE = Duration.ofMinutes(1);

    /** What one pass changed. */
    public record Result(int released, int recorded) {
    }

    private final ServiceAllocations allocations;
    private final AllocationRecords records;
    private final RegistryStore services;
    private final Clock clock;

    public AllocationRepair(ServiceAllocations allocations, RegistryStore services, Clock clock) {
        this.allocations = allocations;
        this.records = allocations.records();
        this.services = services;
        this.clock = clock;
    }

    /** One pass over every record and every Service. */
    public Result runOnce() {
        List<Entry> ipRecords = records.list(AllocationRecords.IPS);
        List<Entry> portRecords = records.list(AllocationRecords.NODE_PORTS);
        Map<String, Owner> ipHolders = new HashMap<>();
        Map<String, Owner> portHolders = new HashMap<>();
        for (CachedObject c : services.list(null, ListOptions.all()).items()) {
            ObjectNode svc = c.object();
            Owner owner = Owner.of(svc);
            for (String ip : ServiceSpecs.heldClusterIPs(svc)) holder(ipHolders, allocations.ips(), ip, owner);
            for (String port : ServiceSpecs.heldNodePorts(svc)) holder(portHolders, allocations.ports(), port, owner);
        }
        int released = release(ipRecords, ipHolders, AllocationRecords.IPS) + release(portRecords, portHolders, AllocationRecords.NODE_PORTS);
        int recorded = record(allocations.ips(), ipHolders) + record(allocations.ports(), portHolders);
        if (released + recorded > 0) log.info("service allocation repair: {} records released, {} recorded", released, recorded);
        return new Result(released, recorded);
    }

    private static void holder(Map<String, Owner> holders, RangeAllocator allocator, String value, Owner owner) {
        Owner first = holders.putIfAbsent(value, owner);
        if (first != null && !first.uid().equals(owner.uid()))
            log.warn("{} is held by both service {} and service {}; one of them should be recreated", value, first, owner);
        if (allocator.range().offsetOf(value) < 0 && first == null)
            log.warn("{} of service {} is outside the configured range {}; recreate the service to move it", value, owner, allocator.range());
    }

    private int release(List<Entry> entries, Map<String, Owner> holders, String prefix) {
        int n = 0;
        for (Entry e : entries) {
            Owner holder = holders.get(e.value(prefix));
            if (holder != null && holder.uid().equals(e.owner().uid())) continue;
            if (Duration.between(e.allocated(), clock.instant()).compareTo(GRACE) < 0) continue;
            if (records.delete(e)) {
                log.info("released {}{}, recorded for service {} which does not hold it", prefix, e.value(prefix), e.owner());
                n++;
            }
        }
        return n;
    }

    private int record(RangeAllocator allocator, Map<String, Owner> holders) {
        int n = 0;
        for (Map.Entry<String, Owner> h : holders.entrySet()) {
            if (allocator.range().offsetOf(h.getKey()) < 0) continue;
            switch (allocator.claim(h.getKey(), h.getValue(), false)) {
                case NEW -> n++;
                case OWNED -> { }
                case TAKEN -> log.warn("{} of service {} is recorded for another service; one of them should be recreated",
                    h.getKey(), h.getValue());
            }
        }
        return n;
    }
}
