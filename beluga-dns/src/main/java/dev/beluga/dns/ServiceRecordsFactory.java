package dev.beluga.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a Service and its EndpointSlices into the {@link ServiceRecords} the zone serves, following the Kubernetes DNS
 * specification: which addresses count (ready, or with {@code publishNotReadyAddresses} all but terminating ones), the
 * endpoint labels (hostname, else the dashed address), several slices merged (an address listed twice is served once).
 * Stateless.
 */
public final class ServiceRecordsFactory {
    private ServiceRecordsFactory() {
    }

    public static ServiceRecords build(Service service, Collection<EndpointSlice> slices) {
        ServiceSpec spec = service.getSpec() == null ? new ServiceSpec() : service.getSpec();
        String ns = lower(service.getMetadata().getNamespace());
        String name = lower(service.getMetadata().getName());
        List<PortSpec> ports = new ArrayList<>();
        if (spec.getPorts() != null) {
            for (ServicePort p : spec.getPorts()) {
                if (p.getPort() != null) ports.add(new PortSpec(lower(p.getName()), protocol(p.getProtocol()), p.getPort()));
            }
        }
        if ("ExternalName".equals(spec.getType())) {
            String target = lower(spec.getExternalName());
            while (target.endsWith(".")) target = target.substring(0, target.length() - 1);
            return new ServiceRecords(ns, name, ServiceRecords.Kind.EXTERNAL_NAME, List.of(), target.isEmpty() ? null : target,
                List.copyOf(ports), List.of());
        }
        List<String> ipTexts = spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty() ? spec.getClusterIPs()
            : spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP());
        boolean headless = ipTexts.contains("None");
        List<InetAddress> clusterIps = new ArrayList<>();
        if (!headless) {
            for (String t : ipTexts) {
                InetAddress a = AddressNames.parseLiteral(t);
                if (a != null) clusterIps.add(a);
            }
        }
        boolean publishNotReady = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
        return new ServiceRecords(ns, name, headless ? ServiceRecords.Kind.HEADLESS : ServiceRecords.Kind.CLUSTER_IP,
            List.copyOf(clusterIps), null, List.copyOf(ports), endpoints(slices, publishNotReady));
    }

    private static List<EndpointRecord> endpoints(Collection<EndpointSlice> slices, boolean publishNotReady) {
        List<EndpointSlice> sorted = new ArrayList<>(slices);
        sorted.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        List<EndpointRecord> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (EndpointSlice slice : sorted) {
            if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) continue;
            List<PortSpec> ports = slicePorts(slice);
            for (Endpoint e : slice.getEndpoints()) {
                if (!served(e.getConditions(), publishNotReady) || e.getAddresses() == null) continue;
                String hostname = e.getHostname() == null || e.getHostname().isBlank() ? null : lower(e.getHostname());
                for (String text : e.getAddresses()) {
                    InetAddress a = AddressNames.parseLiteral(text);
                    if (a == null) continue;
                    String host = hostname != null ? hostname : AddressNames.dashed(a);
                    if (seen.add(host + "/" + a.getHostAddress())) out.add(new EndpointRecord(host, a, ports));
                }
            }
        }
        return List.copyOf(out);
    }

    /** Ready (unknown counts as ready, as the API documents) and not terminating; everything with publishNotReadyAddresses. */
    static boolean served(EndpointConditions c, boolean publishNotReady) {
        if (publishNotReady) return true;
        if (c == null) return true;
        return !Boolean.FALSE.equals(c.getReady()) && !Boolean.TRUE.equals(c.getTerminating());
    }

    private static List<PortSpec> slicePorts(EndpointSlice slice) {
        if (slice.getPorts() == null) return List.of();
        List<PortSpec> ports = new ArrayList<>();
        for (EndpointPort p : slice.getPorts()) {
            if (p.getPort() != null) ports.add(new PortSpec(lower(p.getName()), protocol(p.getProtocol()), p.getPort()));
        }
        return List.copyOf(ports);
    }

    private static String protocol(String p) {
        return p == null ? "tcp" : p.toLowerCase(Locale.ROOT);
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
