package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's DNS data: Services and EndpointSlices in, {@link ServiceRecords} per service and reverse entries out.
 *
 * <p>Feeding: call {@code onServiceChanged} / {@code onServiceDeleted} and {@code onEndpointSliceChanged} /
 * {@code onEndpointSliceDeleted} from informer handlers (add and update are the same call); {@link ClusterDnsSource} does
 * this for a client. Slices are tied to their service by the {@code kubernetes.io/service-name} label and may arrive before
 * it.
 *
 * <p>Threading: any number of threads may feed and read at once. Writers serialise on one lock and recompute only the
 * service they touch; readers never lock: they read concurrent maps holding immutable values. A changed service gets a new
 * {@link ServiceRecords} object, and the addresses it had or has new {@link #reverse} lists, so an answer computed from one
 * such object stays right exactly as long as the index still returns it; a service added or removed increments
 * {@link #structureGeneration()} after the maps are updated, so a reader that read the generation first and then the maps
 * answered from data at least that new. The response cache relies on both ({@link Validity}).
 */
public final class ClusterIndex {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final Object writeLock = new Object();
    /** guarded by writeLock: service key → the latest Service */
    private final Map<String, Service> services = new HashMap<>();
    /** guarded by writeLock: service key → slice name → slice */
    private final Map<String, Map<String, EndpointSlice>> slicesByService = new HashMap<>();
    /** guarded by writeLock: slice key → the service key it was filed under */
    private final Map<String, String> sliceOwners = new HashMap<>();

    private final ConcurrentHashMap<String, ServiceRecords> records = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> servicesPerNamespace = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, List<PtrTarget>> reverse = new ConcurrentHashMap<>();
    private volatile long structureGeneration;
    private volatile long structureChangedAtSeconds = System.currentTimeMillis() / 1000;

    public void onServiceChanged(Service service) {
        String key = key(service);
        synchronized (writeLock) {
            services.put(key, service);
            recompute(key);
        }
    }

    public void onServiceDeleted(Service service) {
        String key = key(service);
        synchronized (writeLock) {
            services.remove(key);
            recompute(key);
        }
    }

    public void onEndpointSliceChanged(EndpointSlice slice) {
        String sliceKey = key(slice);
        String owner = ownerKey(slice);
        synchronized (writeLock) {
            String previous = sliceOwners.get(sliceKey);
            if (previous != null && !previous.equals(owner)) removeSlice(sliceKey, previous);
            if (owner == null) {
                sliceOwners.remove(sliceKey);
                return;
            }
            sliceOwners.put(sliceKey, owner);
            slicesByService.computeIfAbsent(owner, k -> new LinkedHashMap<>()).put(lower(slice.getMetadata().getName()), slice);
            recompute(owner);
        }
    }

    public void onEndpointSliceDeleted(EndpointSlice slice) {
        String sliceKey = key(slice);
        synchronized (writeLock) {
            String owner = sliceOwners.remove(sliceKey);
            if (owner != null) removeSlice(sliceKey, owner);
        }
    }

    /** The records of service {@code name} in {@code namespace} (both lower case), or null. */
    public ServiceRecords service(String namespace, String name) {
        return records.get(namespace + "/" + name);
    }

    /** The records of the service with key {@code namespace/name} (see {@link ServiceRecords#key()}), or null. */
    ServiceRecords service(String key) {
        return records.get(key);
    }

    /** Whether {@code namespace} (lower case) has at least one service: its {@code <ns>.svc.<zone>} name exists. */
    public boolean hasNamespace(String namespace) {
        return servicesPerNamespace.containsKey(namespace);
    }

    /** What names {@code address} (cluster IPs and served endpoint addresses); empty when nothing does. */
    public List<PtrTarget> reverse(InetAddress address) {
        return reverse.getOrDefault(address, List.of());
    }

    /** Incremented after a service was added or removed (which names exist, which namespaces have services). */
    public long structureGeneration() {
        return structureGeneration;
    }

    /** Seconds since the epoch when a service was last added or removed: the zone's SOA serial. */
    public long structureChangedAtSeconds() {
        return structureChangedAtSeconds;
    }

    /** Number of services indexed. */
    public int size() {
        return records.size();
    }

    private void removeSlice(String sliceKey, String owner) {
        Map<String, EndpointSlice> slices = slicesByService.get(owner);
        if (slices == null) return;
        slices.remove(sliceKey.substring(sliceKey.indexOf('/') + 1));
        if (slices.isEmpty()) slicesByService.remove(owner);
        recompute(owner);
    }

    /** Rebuilds one service's records and its reverse entries; bumps the structure generation if it came or went. */
    private void recompute(String key) {
        Service svc = services.get(key);
        ServiceRecords old = records.get(key);
        ServiceRecords now = svc == null ? null
            : ServiceRecordsFactory.build(svc, slicesByService.getOrDefault(key, Map.of()).values());
        if (Objects.equals(old, now)) return;
        if (now == null) {
            records.remove(key);
            servicesPerNamespace.computeIfPresent(old.namespace(), (ns, n) -> n == 1 ? null : n - 1);
        } else {
            records.put(key, now);
            if (old == null) servicesPerNamespace.merge(now.namespace(), 1, Integer::sum);
        }
        if (old != null) {
            for (InetAddress a : addresses(old)) {
                reverse.computeIfPresent(a, (addr, targets) -> {
                    List<PtrTarget> kept = new ArrayList<>(targets.size());
                    for (PtrTarget t : targets) if (t.service() != old) kept.add(t);
                    return kept.isEmpty() ? null : List.copyOf(kept);
                });
            }
        }
        if (now != null) {
            for (InetAddress a : now.clusterIps()) addReverse(a, new PtrTarget(now, null));
            for (EndpointRecord e : now.endpoints()) addReverse(e.address(), new PtrTarget(now, e.host()));
        }
        if (old == null || now == null) {
            structureChangedAtSeconds = System.currentTimeMillis() / 1000;
            structureGeneration++; // only the writer (under writeLock) writes it; the volatile write publishes the maps above
        }
    }

    private void addReverse(InetAddress a, PtrTarget target) {
        reverse.compute(a, (addr, targets) -> {
            if (targets == null) return List.of(target);
            List<PtrTarget> more = new ArrayList<>(targets);
            if (!more.contains(target)) more.add(target);
            return List.copyOf(more);
        });
    }

    private static List<InetAddress> addresses(ServiceRecords r) {
        List<InetAddress> out = new ArrayList<>(r.clusterIps());
        for (EndpointRecord e : r.endpoints()) out.add(e.address());
        return out;
    }

    private static String key(HasMetadata o) {
        return lower(o.getMetadata().getNamespace()) + "/" + lower(o.getMetadata().getName());
    }

    private static String ownerKey(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return svc == null || svc.isEmpty() ? null : lower(slice.getMetadata().getNamespace()) + "/" + lower(svc);
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
