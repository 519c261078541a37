package dev.beluga.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.beluga.dns.ClusterDnsServerTest.answers;
import static org.assertj.core.api.Assertions.assertThat;

/** Names outside the zone, forwarded to fake upstreams on loopback. */
class ForwardingTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private ClusterIndex index;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) c.close();
    }

    private DnsClient serverWith(FakeUpstream... upstreams) throws IOException {
        index = new ClusterIndex();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (FakeUpstream u : upstreams) addresses.add(u.address());
        ClusterDnsServer server = new ClusterDnsServer(DnsConfig.of(InetAddress.getLoopbackAddress(), 0).withUpstreams(addresses)
            .withUpstreamTimeout(Duration.ofMillis(300)), index).start();
        closing.add(server);
        return new DnsClient(server.address());
    }

    private FakeUpstream upstream(Function<Message, Message> answer) throws IOException {
        FakeUpstream u = new FakeUpstream(answer);
        closing.add(u);
        return u;
    }

    /** Answers A queries with 192.0.2.1 (TTL 300) for any name. */
    private static Message addressAnswer(Message q) {
        Message r = FakeUpstream.reply(q, Rcode.NOERROR);
        try {
            r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    private static Message nxdomain(Message q, boolean withSoa) {
        Message r = FakeUpstream.reply(q, Rcode.NXDOMAIN);
        if (withSoa) {
            Name zone = Name.fromConstantString("example.");
            r.addRecord(new SOARecord(zone, DClass.IN, 60, Name.fromConstantString("ns.example."),
                Name.fromConstantString("admin.example."), 1, 3600, 600, 86400, 30), Section.AUTHORITY);
        }
        return r;
    }

    @Test
    void forwardsAndCachesPositiveAnswers() throws IOException {
        FakeUpstream up = upstream(ForwardingTest::addressAnswer);
        DnsClient dns = serverWith(up);
        Message first = dns.udp("www.example.com", Type.A);
        assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(first.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(answers(first, Type.A)).containsExactly("192.0.2.1");
        assertThat(first.getOPT()).as("the client sent no EDNS").isNull();
        Message second = dns.udp("WWW.example.com", Type.A);
        assertThat(answers(second, Type.A)).containsExactly("192.0.2.1");
        assertThat(second.getSection(Section.ANSWER).get(0).getTTL()).isBetween(290L, 300L);
        assertThat(up.udpQueries.get()).as("the second answer came from the cache").isEqualTo(1);
    }

    @Test
    void cachesNegativeAnswersForTheSoaMinimum() throws IOException {
        FakeUpstream up = upstream(q -> nxdomain(q, true));
        DnsClient dns = serverWith(up);
        assertThat(dns.udp("missing.example", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Message second = dns.udp("missing.example", Type.A);
        assertThat(second.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(second.getSection(Section.AUTHORITY)).singleElement().satisfies(r -> assertThat(r.getTTL()).isLessThanOrEqualTo(30));
        assertThat(up.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void negativeAnswersWithoutSoaAreNotCached() throws IOException {
        FakeUpstream up = upstream(q -> nxdomain(q, false));
        DnsClient dns = serverWith(up);
        assertThat(dns.udp("missing.example", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dns.udp("missing.example", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(up.udpQueries.get()).isEqualTo(2);
    }

    @Test
    void truncatedUdpAnswersAreFetchedAgainOverTcp() throws IOException {
        FakeUpstream up = upstream(ForwardingTest::addressAnswer);
        up.truncateUdp = true;
        DnsClient dns = serverWith(up);
        Message m = dns.udp("www.example.com", Type.A);
        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(m, Type.A)).containsExactly("192.0.2.1");
        assertThat(up.tcpQueries.get()).isEqualTo(1);
    }

    @Test
    void aSilentUpstreamIsFollowedByTheNextOne() throws IOException {
        FakeUpstream silent = upstream(q -> null);
        FakeUpstream refusing = upstream(q -> FakeUpstream.reply(q, Rcode.SERVFAIL));
        FakeUpstream good = upstream(ForwardingTest::addressAnswer);
        DnsClient dns = serverWith(silent, refusing, good);
        assertThat(answers(dns.udp("www.example.com", Type.A), Type.A)).containsExactly("192.0.2.1");
        assertThat(silent.udpQueries.get()).isEqualTo(1);
        assertThat(refusing.udpQueries.get()).isEqualTo(1);
        assertThat(good.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void servfailWhenEveryUpstreamFailsAndNothingIsCached() throws IOException {
        FakeUpstream a = upstream(q -> null);
        FakeUpstream b = upstream(q -> FakeUpstream.reply(q, Rcode.SERVFAIL));
        DnsClient dns = serverWith(a, b);
        assertThat(dns.udp("www.example.com", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(dns.tcp("www.example.com", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        b.answer = ForwardingTest::addressAnswer;
        assertThat(answers(dns.udp("www.example.com", Type.A), Type.A)).containsExactly("192.0.2.1");
    }

    @Test
    void externalNameTargetsOutsideTheZoneAreResolvedUpstream() throws IOException {
        FakeUpstream up = upstream(ForwardingTest::addressAnswer);
        DnsClient dns = serverWith(up);
        index.onServiceChanged(Fixtures.externalName("default", "search", "search.example.com"));
        Message m = dns.udp("search.default.svc.cluster.local", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()))
            .containsExactly("search.default.svc.cluster.local. CNAME search.example.com.", "search.example.com. A 192.0.2.1");
    }

    @Test
    void reverseNamesTheIndexDoesNotKnowGoUpstream() throws IOException {
        FakeUpstream up = upstream(q -> {
            Message r = FakeUpstream.reply(q, Rcode.NOERROR);
            r.addRecord(new PTRRecord(q.getQuestion().getName(), DClass.IN, 60, Name.fromConstantString("host.example.")), Section.ANSWER);
            return r;
        });
        DnsClient dns = serverWith(up);
        index.onServiceChanged(Fixtures.clusterIp("default", "web", "10.96.0.10"));
        assertThat(answers(dns.udp("1.2.0.192.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("host.example.");
        assertThat(answers(dns.udp("10.0.96.10.in-addr.arpa", Type.PTR), Type.PTR)).containsExactly("web.default.svc.cluster.local.");
        assertThat(up.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void upstreamAnswersKeepTheClientsEdnsSize() throws IOException {
        FakeUpstream up = upstream(q -> {
            Message r = FakeUpstream.reply(q, Rcode.NOERROR);
            for (int i = 1; i <= 60; i++) {
                try {
                    r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 300, InetAddress.getByName("192.0.2." + i)), Section.ANSWER);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return r;
        });
        DnsClient dns = serverWith(up);
        Message small = dns.udp("many.example.com", Type.A);
        assertThat(small.getHeader().getFlag(Flags.TC)).isTrue();
        Message big = dns.udp(DnsClient.withEdns(DnsClient.query("many.example.com", Type.A), 4096));
        assertThat(big.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(answers(big, Type.A)).hasSize(60);
        assertThat(big.getOPT()).isNotNull();
        assertThat(answers(dns.tcp("many.example.com", Type.A), Type.A)).hasSize(60);
        Record any = big.getSection(Section.ANSWER).get(0);
        assertThat(any.getTTL()).isLessThanOrEqualTo(300);
    }
}
