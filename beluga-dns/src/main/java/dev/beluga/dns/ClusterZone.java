package dev.beluga.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cluster domain's names, as the Kubernetes DNS specification (schema 1.1.0) lays them out, answered from a
 * {@link ClusterIndex}:
 * <ul>
 *   <li>{@code <svc>.<ns>.svc.<zone>}: A/AAAA of the cluster IPs, or of the served endpoints when headless; CNAME of an
 *       ExternalName service; SRV of every named port;</li>
 *   <li>{@code <host>.<svc>.<ns>.svc.<zone>}: A/AAAA of the endpoints with that hostname (or dashed address);</li>
 *   <li>{@code _<port>._<proto>.<svc>.<ns>.svc.<zone>}: SRV to the service name, or for a headless service to each
 *       endpoint's name, with their addresses in the additional section;</li>
 *   <li>{@code <a-b-c-d>.<ns>.pod.<zone>}: A (or AAAA) of the address the label spells (CoreDNS "pods insecure");</li>
 *   <li>{@code dns-version.<zone>} TXT, the apex SOA and NS ({@code ns.dns.<zone>});</li>
 *   <li>reverse names of cluster IPs and endpoint addresses: PTR.</li>
 * </ul>
 * A missing name is NXDOMAIN and an existing name without the asked type NODATA, both with the SOA in the authority
 * section; names between the apex and a record (such as {@code svc.<zone>} or a namespace with services) exist. All
 * matching is case-insensitive. Stateless apart from the index; any thread.
 */
final class ClusterZone {
    static final String SCHEMA_VERSION = "1.1.0";
    private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");
    private static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");

    private final Name origin;
    private final String domain;
    private final long ttl;
    private final ClusterIndex index;
    private final InetAddress nameserverAddress;
    private final Name nameserver;
    private final Name hostmaster;

    /** {@code nameserverAddress}: what {@code ns.dns.<zone>} resolves to; null when unknown (a wildcard bind address). */
    ClusterZone(String domain, int ttlSeconds, ClusterIndex index, InetAddress nameserverAddress) {
        this.domain = domain;
        this.origin = name(domain);
        this.ttl = ttlSeconds;
        this.index = index;
        this.nameserverAddress = nameserverAddress;
        this.nameserver = name("ns.dns." + domain);
        this.hostmaster = name("hostmaster." + domain);
    }

    Name origin() {
        return origin;
    }

    boolean contains(Name qname) {
        return qname.subdomain(origin);
    }

    /** Whether {@code qname} is a reverse name (under in-addr.arpa or ip6.arpa). */
    static boolean isReverse(Name qname) {
        return qname.subdomain(IN_ADDR_ARPA) || qname.subdomain(IP6_ARPA);
    }

    /** The answer for a name in the zone ({@link #contains} must hold), with its {@link Validity}. */
    ZoneAnswer resolve(Name qname, int qtype) {
        long structure = index.structureGeneration(); // before reading the index
        ZoneAnswer a = resolveName(qname, qtype);
        return a.validity() == null ? a.validWhile(new Validity.Structure(structure)) : a;
    }

    private ZoneAnswer resolveName(Name qname, int qtype) {
        String[] rel = relativeLabels(qname, origin);
        int n = rel.length;
        if (n == 0) return apex(qname, qtype);
        String top = rel[n - 1];
        return switch (top) {
            case "svc" -> services(qname, qtype, rel);
            case "pod" -> pods(qname, qtype, rel);
            case "dns-version" -> n == 1 ? typed(qtype, List.of(new TXTRecord(qname, DClass.IN, ttl, SCHEMA_VERSION)), List.of())
                : nxdomain();
            case "dns" -> n == 1 ? nodata()
                : n == 2 && rel[0].equals("ns") ? typed(qtype, addressRecords(qname, nameserverAddress == null ? List.of()
                : List.of(nameserverAddress), Type.ANY), List.of())
                : nxdomain();
            default -> nxdomain();
        };
    }

    /**
     * The PTR answer for a reverse name of an address the index knows, or null when the index knows nothing of it (the
     * question then goes upstream).
     */
    ZoneAnswer reverse(Name qname, int qtype) {
        boolean v6 = qname.subdomain(IP6_ARPA);
        InetAddress address = AddressNames.parseReverse(relativeLabels(qname, v6 ? IP6_ARPA : IN_ADDR_ARPA), v6);
        if (address == null) return null;
        List<PtrTarget> targets = index.reverse(address);
        if (targets.isEmpty()) return null;
        Validity validity = new Validity.Reverse(address, targets);
        List<Record> ptrs = new ArrayList<>();
        for (PtrTarget t : targets) {
            Name target = name((t.host() == null ? "" : t.host() + ".") + t.service().relativeName() + ".svc." + domain);
            ptrs.add(new PTRRecord(qname, DClass.IN, ttl, target));
        }
        ZoneAnswer a = qtype == Type.PTR || qtype == Type.ANY ? ZoneAnswer.of(ptrs, List.of())
            : new ZoneAnswer(Rcode.NOERROR, List.of(), List.of(), List.of(), null, null);
        return a.validWhile(validity);
    }

    private ZoneAnswer apex(Name qname, int qtype) {
        List<Record> all = List.of(soa(), new NSRecord(qname, DClass.IN, ttl, nameserver));
        List<Record> additional = nameserverAddress == null ? List.of() : addressRecords(nameserver, List.of(nameserverAddress), Type.ANY);
        return typed(qtype, all, qtype == Type.NS ? additional : List.of());
    }

    private ZoneAnswer services(Name qname, int qtype, String[] rel) {
        int n = rel.length;
        if (n == 1) return nodata();
        if (n == 2) return index.hasNamespace(rel[0]) ? nodata() : nxdomain();
        ServiceRecords s = index.service(rel[n - 2], rel[n - 3]);
        if (s == null) return nxdomain();
        return serviceNames(qname, qtype, rel, s).validWhile(new Validity.Service(s));
    }

    /** Names at and below an existing service's name: answered from its records alone. */
    private ZoneAnswer serviceNames(Name qname, int qtype, String[] rel, ServiceRecords s) {
        int n = rel.length;
        if (n == 3) return service(qname, qtype, s);
        Name serviceName = name(s.relativeName() + ".svc." + domain);
        String first = rel[0];
        if (n == 4 && first.startsWith("_")) {
            String proto = first.substring(1);
            for (PortSpec p : s.ports()) if (p.named() && p.protocol().equals(proto)) return nodata();
            for (EndpointRecord e : s.endpoints()) for (PortSpec p : e.ports()) if (p.named() && p.protocol().equals(proto)) return nodata();
            return nxdomain();
        }
        if (n == 4) {
            List<InetAddress> addresses = new ArrayList<>();
            for (EndpointRecord e : s.endpoints()) if (e.host().equals(first)) addresses.add(e.address());
            if (addresses.isEmpty()) return nxdomain();
            return typed(qtype, addressRecords(qname, addresses, Type.ANY), List.of());
        }
        if (n == 5 && first.startsWith("_") && rel[1].startsWith("_")) {
            List<Record> additional = new ArrayList<>();
            List<Record> srv = srv(qname, serviceName, s, first.substring(1), rel[1].substring(1), additional);
            if (srv.isEmpty()) return nxdomain();
            return qtype == Type.SRV || qtype == Type.ANY ? ZoneAnswer.of(srv, additional) : nodata();
        }
        return nxdomain();
    }

    private ZoneAnswer service(Name qname, int qtype, ServiceRecords s) {
        switch (s.kind()) {
            case EXTERNAL_NAME -> {
                if (s.externalName() == null) return nodata();
                Name target = name(s.externalName());
                List<Record> cname = List.of(new CNAMERecord(qname, DClass.IN, ttl, target));
                boolean chase = qtype != Type.CNAME && qtype != Type.ANY;
                return new ZoneAnswer(Rcode.NOERROR, cname, List.of(), List.of(), chase ? target : null, null);
            }
            case CLUSTER_IP -> {
                if (qtype == Type.SRV) {
                    List<Record> additional = new ArrayList<>();
                    return typed(qtype, srv(qname, qname, s, null, null, additional), additional);
                }
                return typed(qtype, addressRecords(qname, s.clusterIps(), qtype), List.of());
            }
            default -> {
                if (qtype == Type.SRV) {
                    List<Record> additional = new ArrayList<>();
                    return typed(qtype, srv(qname, qname, s, null, null, additional), additional);
                }
                Set<InetAddress> distinct = new LinkedHashSet<>();
                for (EndpointRecord e : s.endpoints()) distinct.add(e.address());
                return typed(qtype, addressRecords(qname, new ArrayList<>(distinct), qtype), List.of());
            }
        }
    }

    /**
     * SRV records of the named ports matching {@code port}/{@code proto} (null: all): targets are the service name, or for
     * a headless service each endpoint's name; their addresses go to {@code additional}. Priority 0, weights split 100.
     */
    private List<Record> srv(Name owner, Name serviceName, ServiceRecords s, String port, String proto, List<Record> additional) {
        record Target(Name name, int port, InetAddress address) {
        }
        List<Target> targets = new ArrayList<>();
        if (s.kind() == ServiceRecords.Kind.CLUSTER_IP) {
            for (PortSpec p : s.ports()) if (selected(p, port, proto)) targets.add(new Target(serviceName, p.port(), null));
            if (!targets.isEmpty()) additional.addAll(addressRecords(serviceName, s.clusterIps(), Type.ANY));
        } else if (s.kind() == ServiceRecords.Kind.HEADLESS) {
            for (EndpointRecord e : s.endpoints()) {
                for (PortSpec p : e.ports()) {
                    if (selected(p, port, proto)) targets.add(new Target(name(e.host() + "." + serviceName), p.port(), e.address()));
                }
            }
        }
        if (targets.isEmpty()) return List.of();
        int weight = Math.max(1, 100 / targets.size());
        List<Record> out = new ArrayList<>(targets.size());
        Set<String> added = new HashSet<>();
        for (Target t : targets) {
            out.add(new SRVRecord(owner, DClass.IN, ttl, 0, weight, t.port(), t.name()));
            if (t.address() != null && added.add(t.name() + "/" + t.address().getHostAddress())) {
                additional.addAll(addressRecords(t.name(), List.of(t.address()), Type.ANY));
            }
        }
        return out;
    }

    private static boolean selected(PortSpec p, String port, String proto) {
        return port == null ? p.named() : p.matches(port, proto);
    }

    private ZoneAnswer pods(Name qname, int qtype, String[] rel) {
        int n = rel.length;
        if (n <= 2) return nodata();
        if (n > 3) return nxdomain();
        InetAddress a = AddressNames.parseDashed(rel[0]);
        if (a == null) return nxdomain();
        return typed(qtype, addressRecords(qname, List.of(a), qtype), List.of());
    }

    /** Records of {@code qtype} among {@code all} (every one for ANY); NODATA when there are none. */
    private ZoneAnswer typed(int qtype, List<Record> all, List<Record> additional) {
        List<Record> out = new ArrayList<>(all.size());
        for (Record r : all) if (qtype == Type.ANY || r.getType() == qtype) out.add(r);
        return out.isEmpty() ? nodata() : ZoneAnswer.of(out, additional);
    }

    /** A and AAAA records (only those of {@code qtype} if it is A or AAAA). */
    private List<Record> addressRecords(Name owner, List<InetAddress> addresses, int qtype) {
        List<Record> out = new ArrayList<>(addresses.size());
        for (InetAddress a : addresses) {
            if (AddressNames.isIpv4(a)) {
                if (qtype != Type.AAAA) out.add(new ARecord(owner, DClass.IN, ttl, a));
            } else if (qtype != Type.A) {
                out.add(new AAAARecord(owner, DClass.IN, ttl, a));
            }
        }
        return out;
    }

    private ZoneAnswer nxdomain() {
        return ZoneAnswer.nxdomain(soa());
    }

    private ZoneAnswer nodata() {
        return ZoneAnswer.nodata(soa());
    }

    /** The SOA (as CoreDNS: refresh 7200, retry 1800, expire 86400, negative TTL = the record TTL). */
    Record soa() {
        return new SOARecord(origin, DClass.IN, ttl, nameserver, hostmaster, index.structureChangedAtSeconds() & 0xffffffffL,
            7200, 1800, 86400, ttl);
    }

    /** The labels of {@code qname} left of {@code parent}, lower case, leftmost first. */
    private static String[] relativeLabels(Name qname, Name parent) {
        int n = qname.labels() - parent.labels();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = qname.getLabelString(i).toLowerCase(Locale.ROOT);
        return out;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + text, e);
        }
    }
}
