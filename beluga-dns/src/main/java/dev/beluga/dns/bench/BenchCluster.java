package dev.beluga.dns.bench;

import dev.beluga.dns.ClusterIndex;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmark's cluster: {@code services} Services in 20 namespaces, one in five headless (StatefulSet-like, endpoint
 * hostnames {@code <svc>-<i>}), each with {@code endpointsPerService} ready endpoints in one EndpointSlice, fed to an
 * index the way informers would; and the questions pods ask of it, encoded once.
 */
final class BenchCluster {
    static final int NAMESPACES = 20;

    /** One question: its wire form (ID 0, RD set), and the rcode it must get. */
    record Question(String text, byte[] wire, int rcode) {
    }

    private BenchCluster() {
    }

    static void feed(ClusterIndex index, int services, int endpointsPerService) {
        for (int s = 0; s < services; s++) {
            var port = new ServicePortBuilder().withName("http").withProtocol("TCP").withPort(80).build();
            index.onServiceChanged(new ServiceBuilder().withNewMetadata().withNamespace(namespace(s)).withName(service(s)).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(headless(s) ? "None" : clusterIp(s)).withPorts(port).endSpec().build());
            index.onEndpointSliceChanged(slice(s, endpointsPerService, -1));
        }
    }

    /** Service {@code s}'s slice with its first endpoint ready or not: one change that alters what is served. */
    static void flapEndpoint(ClusterIndex index, int s, int endpointsPerService, boolean ready) {
        index.onEndpointSliceChanged(slice(s, endpointsPerService, ready ? -1 : 0));
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice(int s, int endpointsPerService, int notReady) {
        String name = service(s);
        List<Endpoint> endpoints = new ArrayList<>();
        for (int e = 0; e < endpointsPerService; e++) {
            endpoints.add(new EndpointBuilder().withAddresses(podIp(s * endpointsPerService + e))
                .withHostname(headless(s) ? name + "-" + e : null)
                .withNewConditions().withReady(e != notReady).withServing(e != notReady).withTerminating(false).endConditions().build());
        }
        return new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace(s)).withName(name + "-abcde")
            .withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata().withAddressType("IPv4")
            .withPorts(new EndpointPortBuilder().withName("http").withProtocol("TCP").withPort(8080).build())
            .withEndpoints(endpoints).build();
    }

    /**
     * {@code count} questions drawn from the mix: 50% A of a ClusterIP service, 10% A of a headless service (all its
     * endpoints), 10% A of a headless endpoint's hostname, 10% SRV of a named port, 10% AAAA of a service (NODATA), 5% PTR
     * of a cluster IP, 5% a search-path expansion (NXDOMAIN).
     */
    static List<Question> questions(int count, int services, int endpointsPerService, long seed) {
        Random r = new Random(seed);
        List<Question> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int p = r.nextInt(100);
            int s = r.nextInt(services);
            if (p < 50) {
                while (headless(s)) s = r.nextInt(services);
                out.add(question(fqdn(s), Type.A, Rcode.NOERROR));
            } else if (p < 60) {
                out.add(question(fqdn(headlessIndex(r, services)), Type.A, Rcode.NOERROR));
            } else if (p < 70) {
                int h = headlessIndex(r, services);
                out.add(question(service(h) + "-" + r.nextInt(endpointsPerService) + "." + fqdn(h), Type.A, Rcode.NOERROR));
            } else if (p < 80) {
                out.add(question("_http._tcp." + fqdn(s), Type.SRV, Rcode.NOERROR));
            } else if (p < 90) {
                out.add(question(fqdn(s), Type.AAAA, Rcode.NOERROR));
            } else if (p < 95) {
                while (headless(s)) s = r.nextInt(services);
                String[] o = clusterIp(s).split("\\.");
                out.add(question(o[3] + "." + o[2] + "." + o[1] + "." + o[0] + ".in-addr.arpa", Type.PTR, Rcode.NOERROR));
            } else {
                out.add(question(fqdn(s) + "." + namespace(s) + ".svc.cluster.local", Type.A, Rcode.NXDOMAIN));
            }
        }
        return out;
    }

    private static int headlessIndex(Random r, int services) {
        int s = r.nextInt(Math.max(1, services / 5)) * 5;
        return Math.min(s, services - 1);
    }

    private static Question question(String name, int type, int rcode) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
            byte[] w = q.toWire();
            w[0] = 0;
            w[1] = 0;
            return new Question(name + " " + Type.string(type), w, rcode);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    private static boolean headless(int s) {
        return s % 5 == 0;
    }

    private static String namespace(int s) {
        return "ns-" + (s % NAMESPACES);
    }

    private static String service(int s) {
        return "svc-" + s;
    }

    private static String fqdn(int s) {
        return service(s) + "." + namespace(s) + ".svc.cluster.local";
    }

    private static String clusterIp(int s) {
        return "10.96." + (s / 250) + "." + (s % 250 + 1);
    }

    private static String podIp(int i) {
        return "10.244." + (i / 250) + "." + (i % 250 + 1);
    }
}
