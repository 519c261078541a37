package dev.beluga.dns;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** TTL handling of the forward cache, on a fake clock. */
class ForwardCacheTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ForwardCache cache = new ForwardCache(2, now::get);

    private static Message answer(long ttl) throws Exception {
        Message m = FakeUpstream.reply(DnsClient.query("a.example", Type.A), Rcode.NOERROR);
        m.addRecord(new ARecord(Name.fromString("a.example."), DClass.IN, ttl, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        return m;
    }

    private void advanceSeconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void positiveAnswersAgeAndExpire() throws Exception {
        cache.put("a", answer(60));
        advanceSeconds(20);
        assertThat(cache.get("a").records(Section.ANSWER).get(0).getTTL()).isEqualTo(40);
        advanceSeconds(40);
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void negativeAnswersLastTheSoaMinimum() throws Exception {
        Message nx = FakeUpstream.reply(DnsClient.query("b.example", Type.A), Rcode.NXDOMAIN);
        nx.addRecord(new SOARecord(Name.fromString("example."), DClass.IN, 3600, Name.fromString("ns.example."),
            Name.fromString("admin.example."), 1, 3600, 600, 86400, 10), Section.AUTHORITY);
        cache.put("b", nx);
        advanceSeconds(4);
        assertThat(cache.get("b").records(Section.AUTHORITY).get(0).getTTL()).isEqualTo(6);
        advanceSeconds(6);
        assertThat(cache.get("b")).isNull();
    }

    @Test
    void errorsTruncatedAndZeroTtlAnswersAreNotKept() throws Exception {
        cache.put("s", FakeUpstream.reply(DnsClient.query("c.example", Type.A), Rcode.SERVFAIL));
        cache.put("z", answer(0));
        Message tc = answer(60);
        tc.getHeader().setFlag(org.xbill.DNS.Flags.TC);
        cache.put("t", tc);
        assertThat(cache.size()).isZero();
    }

    @Test
    void leastRecentlyUsedEntriesGoFirst() throws Exception {
        cache.put("1", answer(60));
        cache.put("2", answer(60));
        cache.get("1");
        cache.put("3", answer(60));
        assertThat(cache.get("2")).isNull();
        assertThat(cache.get("1")).isNotNull();
        assertThat(cache.get("3")).isNotNull();
    }
}
