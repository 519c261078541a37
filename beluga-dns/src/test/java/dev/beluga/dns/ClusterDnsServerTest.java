package dev.beluga.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static dev.beluga.dns.Fixtures.clusterIp;
import static dev.beluga.dns.Fixtures.endpoint;
import static dev.beluga.dns.Fixtures.externalName;
import static dev.beluga.dns.Fixtures.headless;
import static dev.beluga.dns.Fixtures.port;
import static dev.beluga.dns.Fixtures.ready;
import static dev.beluga.dns.Fixtures.slice;
import static dev.beluga.dns.Fixtures.slicePort;
import static org.assertj.core.api.Assertions.assertThat;

/** The zone's records over a real server on loopback (no upstreams: names outside the zone get SERVFAIL). */
class ClusterDnsServerTest {
    private ClusterIndex index;
    private ClusterDnsServer server;
    private DnsClient dns;

    @BeforeEach
    void start() throws IOException {
        index = new ClusterIndex();
        DnsConfig config = DnsConfig.of(InetAddress.getLoopbackAddress(), 0).withUpstreams(List.of())
            .withUpstreamTimeout(Duration.ofMillis(300));
        server = new ClusterDnsServer(config, index).start();
        dns = new DnsClient(server.address());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<String> answers(Message m, int type) {
        return m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type).map(Record::rdataToString).toList();
    }

    static void assertNegative(Message m, int rcode) {
        assertThat(m.getRcode()).isEqualTo(rcode);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(m.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        SOARecord soa = (SOARecord) m.getSection(Section.AUTHORITY).get(0);
        assertThat(soa.getName().toString()).isEqualTo("cluster.local.");
        assertThat(soa.getMinimum()).isEqualTo(5);
    }

    @Test
    void clusterIpServiceResolvesToItsClusterIp() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10", port("http", "TCP", 80)));
        Message m = dns.udp("web.default.svc.cluster.local", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(m, Type.A)).containsExactly("10.96.0.10");
        assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(5);
        // asked again: served from the response cache, same answer with the new ID
        Message again = dns.udp("web.default.svc.cluster.local", Type.A);
        assertThat(answers(again, Type.A)).containsExactly("10.96.0.10");
        assertThat(server.stats().cacheHits()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void namesMatchCaseInsensitivelyAndEchoTheQuestion() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        dns.udp("web.default.svc.cluster.local", Type.A); // fills the cache in lower case
        Message m = dns.udp("WEB.Default.SVC.Cluster.Local", Type.A);
        assertThat(answers(m, Type.A)).containsExactly("10.96.0.10");
        assertThat(m.getQuestion().getName().toString()).isEqualTo("WEB.Default.SVC.Cluster.Local.");
    }

    @Test
    void headlessServiceResolvesToReadyEndpointsOfAllItsSlices() throws IOException {
        index.onServiceChanged(headless("db", "pg", false, port("pg", "TCP", 5432)));
        index.onEndpointSliceChanged(slice("db", "pg-a", "pg", List.of(slicePort("pg", "TCP", 5432)),
            ready("10.244.0.5"), endpoint("10.244.0.6", null, false, false), endpoint("10.244.0.7", null, null, null)));
        index.onEndpointSliceChanged(slice("db", "pg-b", "pg", List.of(slicePort("pg", "TCP", 5432)),
            ready("10.244.1.5"), endpoint("10.244.1.6", null, true, true)));
        Message m = dns.udp("pg.db.svc.cluster.local", Type.A);
        // not ready and terminating are left out; unknown readiness counts as ready
        assertThat(answers(m, Type.A)).containsExactlyInAnyOrder("10.244.0.5", "10.244.0.7", "10.244.1.5");
    }

    @Test
    void publishNotReadyAddressesServesEveryEndpoint() throws IOException {
        index.onServiceChanged(headless("db", "pg", true));
        index.onEndpointSliceChanged(slice("db", "pg-a", "pg", List.of(), ready("10.244.0.5"),
            endpoint("10.244.0.6", null, false, false)));
        assertThat(answers(dns.udp("pg.db.svc.cluster.local", Type.A), Type.A)).containsExactlyInAnyOrder("10.244.0.5", "10.244.0.6");
    }

    @Test
    void headlessWithoutReadyEndpointsIsNodata() throws IOException {
        index.onServiceChanged(headless("db", "pg", false));
        index.onEndpointSliceChanged(slice("db", "pg-a", "pg", List.of(), endpoint("10.244.0.6", null, false, false)));
        assertNegative(dns.udp("pg.db.svc.cluster.local", Type.A), Rcode.NOERROR);
    }

    @Test
    void endpointHostnamesAndDashedAddressesNameEndpoints() throws IOException {
        index.onServiceChanged(headless("default", "web", false, port("http", "TCP", 80)));
        index.onEndpointSliceChanged(slice("default", "web-x", "web", List.of(slicePort("http", "TCP", 8080)),
            endpoint("10.244.0.10", "web-0", true, false), endpoint("10.244.0.11", "web-1", true, false), ready("10.244.0.12")));
        assertThat(answers(dns.udp("web-0.web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.10");
        assertThat(answers(dns.udp("Web-1.web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.11");
        assertThat(answers(dns.udp("10-244-0-12.web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.12");
        assertNegative(dns.udp("web-2.web.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("web-0.web.default.svc.cluster.local", Type.AAAA), Rcode.NOERROR);
    }

    @Test
    void srvOfClusterIpServiceTargetsTheServiceName() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10", port("http", "TCP", 80), port("dns", "UDP", 53),
            port(null, "TCP", 9999)));
        Message m = dns.udp("_http._tcp.web.default.svc.cluster.local", Type.SRV);
        assertThat(m.getSection(Section.ANSWER)).singleElement().satisfies(r -> {
            SRVRecord srv = (SRVRecord) r;
            assertThat(srv.getPort()).isEqualTo(80);
            assertThat(srv.getTarget().toString()).isEqualTo("web.default.svc.cluster.local.");
        });
        assertThat(answers(m, Type.SRV)).hasSize(1);
        assertThat(m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).map(Record::rdataToString))
            .containsExactly("10.96.0.10");
        assertThat(answers(dns.udp("_dns._udp.web.default.svc.cluster.local", Type.SRV), Type.SRV)).containsExactly("0 100 53 web.default.svc.cluster.local.");
        // the service name itself: every named port; the unnamed one has none
        assertThat(answers(dns.udp("web.default.svc.cluster.local", Type.SRV), Type.SRV)).hasSize(2);
        assertNegative(dns.udp("_http._udp.web.default.svc.cluster.local", Type.SRV), Rcode.NXDOMAIN);
        assertNegative(dns.udp("_http._tcp.web.default.svc.cluster.local", Type.A), Rcode.NOERROR);
        assertNegative(dns.udp("_tcp.web.default.svc.cluster.local", Type.A), Rcode.NOERROR);
    }

    @Test
    void srvOfHeadlessServiceTargetsEachEndpoint() throws IOException {
        index.onServiceChanged(headless("default", "web", false, port("http", "TCP", 80)));
        index.onEndpointSliceChanged(slice("default", "web-x", "web", List.of(slicePort("http", "TCP", 8080)),
            endpoint("10.244.0.10", "web-0", true, false), ready("10.244.0.12")));
        Message m = dns.udp("_http._tcp.web.default.svc.cluster.local", Type.SRV);
        assertThat(answers(m, Type.SRV)).containsExactlyInAnyOrder(
            "0 50 8080 web-0.web.default.svc.cluster.local.", "0 50 8080 10-244-0-12.web.default.svc.cluster.local.");
        assertThat(m.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A).map(r -> r.getName() + " " + r.rdataToString()))
            .containsExactlyInAnyOrder("web-0.web.default.svc.cluster.local. 10.244.0.10", "10-244-0-12.web.default.svc.cluster.local. 10.244.0.12");
    }

    @Test
    void externalNameIsACname() throws IOException {
        index.onServiceChanged(externalName("default", "search", "search.example.com"));
        Message m = dns.udp("search.default.svc.cluster.local", Type.CNAME);
        assertThat(answers(m, Type.CNAME)).containsExactly("search.example.com.");
        // pointing into the zone: the target's records follow the CNAME
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        index.onServiceChanged(externalName("default", "alias", "web.default.svc.cluster.local"));
        Message a = dns.udp("alias.default.svc.cluster.local", Type.A);
        assertThat(answers(a, Type.CNAME)).containsExactly("web.default.svc.cluster.local.");
        assertThat(answers(a, Type.A)).containsExactly("10.96.0.10");
    }

    @Test
    void reverseLookupsOfClusterIpsAndEndpoints() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        index.onServiceChanged(headless("default", "db", false));
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), endpoint("10.244.0.10", "db-0", true, false)));
        assertThat(answers(dns.udp("10.0.96.10.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("web.default.svc.cluster.local.");
        assertThat(answers(dns.udp("10.0.244.10.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("db-0.db.default.svc.cluster.local.");
        // an address nobody has goes upstream: none here, so SERVFAIL
        assertThat(dns.udp("99.0.244.10.in-addr.arpa", Type.PTR).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void ipv6ClusterIpsAreAaaaAndIp6ArpaPtr() throws IOException {
        index.onServiceChanged(clusterIp("default", "web6", "fd00:10:96::a"));
        assertThat(answers(dns.udp("web6.default.svc.cluster.local", Type.AAAA), Type.AAAA)).containsExactly("fd00:10:96:0:0:0:0:a");
        assertNegative(dns.udp("web6.default.svc.cluster.local", Type.A), Rcode.NOERROR);
        String reverse = "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa";
        assertThat(answers(dns.udp(reverse, Type.PTR), Type.PTR)).containsExactly("web6.default.svc.cluster.local.");
    }

    @Test
    void podNamesSpellTheirAddress() throws IOException {
        assertThat(answers(dns.udp("10-244-1-7.default.pod.cluster.local", Type.A), Type.A)).containsExactly("10.244.1.7");
        assertNegative(dns.udp("10-244-1-7.default.pod.cluster.local", Type.AAAA), Rcode.NOERROR);
        assertNegative(dns.udp("10-244-1-300.default.pod.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertThat(answers(dns.udp("fd00--7.default.pod.cluster.local", Type.AAAA), Type.AAAA)).containsExactly("fd00:0:0:0:0:0:0:7");
    }

    @Test
    void missingNamesAreNxdomainAndOtherTypesNodataBothWithSoa() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        assertNegative(dns.udp("nope.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("web.other.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("other.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("web.default.svc.cluster.local.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("x.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("web.default.svc.cluster.local", Type.AAAA), Rcode.NOERROR);
        assertNegative(dns.udp("web.default.svc.cluster.local", Type.MX), Rcode.NOERROR);
        // names on the way to records exist
        assertNegative(dns.udp("default.svc.cluster.local", Type.A), Rcode.NOERROR);
        assertNegative(dns.udp("svc.cluster.local", Type.A), Rcode.NOERROR);
        assertNegative(dns.udp("cluster.local", Type.A), Rcode.NOERROR);
    }

    @Test
    void apexAndSchemaVersion() throws IOException {
        assertThat(answers(dns.udp("cluster.local", Type.SOA), Type.SOA)).singleElement().asString().startsWith("ns.dns.cluster.local. hostmaster.cluster.local.");
        assertThat(answers(dns.udp("cluster.local", Type.NS), Type.NS)).containsExactly("ns.dns.cluster.local.");
        assertThat(answers(dns.udp("ns.dns.cluster.local", Type.A), Type.A)).containsExactly("127.0.0.1");
        assertThat(answers(dns.udp("dns-version.cluster.local", Type.TXT), Type.TXT)).containsExactly("\"1.1.0\"");
    }

    @Test
    void answersOverTcpSeveralQueriesPerConnection() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        index.onServiceChanged(clusterIp("default", "api", "10.96.0.11"));
        Message q1 = DnsClient.query("web.default.svc.cluster.local", Type.A);
        Message q2 = DnsClient.query("api.default.svc.cluster.local", Type.A);
        Message q3 = DnsClient.query("web.default.svc.cluster.local", Type.A);
        Message last = dns.tcp(q1, q2, q3);
        assertThat(answers(last, Type.A)).containsExactly("10.96.0.10");
        assertThat(answers(dns.tcp("api.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.96.0.11");
    }

    @Test
    void largeAnswersAreTruncatedOverUdpAndCompleteOverTcp() throws IOException {
        index.onServiceChanged(headless("default", "big", false));
        var endpoints = new io.fabric8.kubernetes.api.model.discovery.v1.Endpoint[100];
        for (int i = 0; i < endpoints.length; i++) endpoints[i] = ready("10.244." + (i / 50) + "." + (i % 50 + 1));
        index.onEndpointSliceChanged(slice("default", "big-x", "big", List.of(), endpoints));
        Message udp = dns.udp("big.default.svc.cluster.local", Type.A);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.toWire().length).isLessThanOrEqualTo(512);
        Message withEdns = dns.udp(DnsClient.withEdns(DnsClient.query("big.default.svc.cluster.local", Type.A), 4096));
        assertThat(withEdns.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(withEdns, Type.A)).hasSize(100);
        Message tcp = dns.tcp("big.default.svc.cluster.local", Type.A);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(tcp, Type.A)).hasSize(100);
    }

    @Test
    void additionalRecordsThatDoNotFitAreLeftOutWithoutTruncation() throws IOException {
        index.onServiceChanged(headless("default", "db", false, port("pg", "TCP", 5432)));
        var endpoints = new io.fabric8.kubernetes.api.model.discovery.v1.Endpoint[8]; // 8 SRV fit in 512 bytes, their A records do not
        for (int i = 0; i < endpoints.length; i++) endpoints[i] = endpoint("10.244.0." + (i + 1), "db-" + i, true, false);
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(slicePort("pg", "TCP", 5432)), endpoints));
        Message m = dns.udp("_pg._tcp.db.default.svc.cluster.local", Type.SRV);
        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(m, Type.SRV)).hasSize(8);
        assertThat(m.toWire().length).isLessThanOrEqualTo(512);
    }

    @Test
    void changesAreVisibleInTheNextAnswer() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        assertThat(answers(dns.udp("web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.96.0.10");
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.20"));
        assertThat(answers(dns.udp("web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.96.0.20");

        index.onServiceChanged(headless("default", "db", false));
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), ready("10.244.0.1")));
        assertThat(answers(dns.udp("db.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.1");
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), ready("10.244.0.1"), ready("10.244.0.2")));
        assertThat(answers(dns.udp("db.default.svc.cluster.local", Type.A), Type.A)).containsExactlyInAnyOrder("10.244.0.1", "10.244.0.2");
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), endpoint("10.244.0.1", null, false, false), ready("10.244.0.2")));
        assertThat(answers(dns.udp("db.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.2");
        index.onEndpointSliceDeleted(slice("default", "db-x", "db", List.of()));
        assertNegative(dns.udp("db.default.svc.cluster.local", Type.A), Rcode.NOERROR);

        index.onServiceDeleted(clusterIp("default", "web", "10.96.0.20"));
        assertNegative(dns.udp("web.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertThat(dns.udp("20.0.96.10.in-addr.arpa", Type.PTR).getRcode()).isEqualTo(Rcode.SERVFAIL); // no longer ours
    }

    @Test
    void cachedNegativeAnswersEndWhenTheNameAppears() throws IOException {
        assertNegative(dns.udp("web.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("default.svc.cluster.local", Type.A), Rcode.NXDOMAIN);
        assertNegative(dns.udp("web.default.svc.cluster.local", Type.A), Rcode.NXDOMAIN); // from the cache
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        assertThat(answers(dns.udp("web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.96.0.10");
        assertNegative(dns.udp("default.svc.cluster.local", Type.A), Rcode.NOERROR);
    }

    @Test
    void cachedAnswersOutliveChangesToOtherServices() throws IOException {
        index.onServiceChanged(clusterIp("default", "web", "10.96.0.10"));
        index.onServiceChanged(headless("default", "db", false));
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), endpoint("10.244.0.1", "db-0", true, false)));
        dns.udp("web.default.svc.cluster.local", Type.A);
        dns.udp("10.0.96.10.in-addr.arpa", Type.PTR);
        long hits = server.stats().cacheHits();
        index.onEndpointSliceChanged(slice("default", "db-x", "db", List.of(), endpoint("10.244.0.2", "db-0", true, false)));
        assertThat(answers(dns.udp("web.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.96.0.10");
        assertThat(answers(dns.udp("10.0.96.10.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("web.default.svc.cluster.local.");
        assertThat(server.stats().cacheHits()).isEqualTo(hits + 2);
        // while the changed service's answers are new
        assertThat(answers(dns.udp("db-0.db.default.svc.cluster.local", Type.A), Type.A)).containsExactly("10.244.0.2");
        assertThat(answers(dns.udp("2.0.244.10.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("db-0.db.default.svc.cluster.local.");
    }

    @Test
    void malformedAndUnsupportedQueries() throws IOException {
        byte[] garbage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 'a'};
        byte[] r = dns.udpRaw(garbage);
        assertThat(r).isNotNull();
        assertThat(new Message(r).getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(new Message(r).getHeader().getID()).isEqualTo(0x1234);
        Message notify = DnsClient.query("web.default.svc.cluster.local", Type.SOA);
        notify.getHeader().setOpcode(org.xbill.DNS.Opcode.NOTIFY);
        assertThat(dns.udp(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void closeFreesThePortAndIsIdempotent() throws IOException {
        var address = server.address();
        server.start(); // already started: nothing happens
        server.close();
        server.close();
        try (var udp = java.nio.channels.DatagramChannel.open(); var tcp = new java.net.ServerSocket()) {
            udp.bind(address);
            tcp.bind(address);
        }
    }
}
