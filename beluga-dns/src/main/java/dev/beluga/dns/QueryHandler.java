package dev.beluga.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns query bytes into response bytes, for both transports.
 * <ol>
 *   <li>{@link #answerCached}: the fast path, for a plain query whose encoded response is in the {@link ResponseCache} and
 *       still valid; never blocks, allocates only the cache key;</li>
 *   <li>{@link #answer}: everything else: parses the query (dnsjava), answers names of the cluster zone and reverse names
 *       the index knows from the {@link ClusterZone} (and caches the encoding), and the rest through the
 *       {@link UpstreamResolver}, which may block on upstreams.</li>
 * </ol>
 * Threading: any number of threads; {@code answer} must run where blocking is fine (a virtual thread).
 */
final class QueryHandler {
    private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);
    private static final int MAX_CNAME_HOPS = 8;

    private final ClusterZone zone;
    private final ResponseCache cache;
    private final UpstreamResolver upstream;
    private final DnsStats stats;

    QueryHandler(ClusterZone zone, ResponseCache cache, UpstreamResolver upstream, DnsStats stats) {
        this.zone = zone;
        this.cache = cache;
        this.upstream = upstream;
        this.stats = stats;
    }

    /**
     * The fast path: writes the cached response to the query in {@code query[0, len)} into {@code out} and returns its
     * length, or returns -1 (then call {@link #answer}). {@code scratch} is the calling thread's.
     */
    int answerCached(byte[] query, int len, boolean tcp, WireQuery scratch, byte[] out) {
        stats.queries.increment();
        if (!scratch.parse(query, len)) return -1;
        int n = cache.copyTo(scratch, tcp, query, out);
        if (n >= 0) stats.cacheHits.increment();
        return n;
    }

    /** The slow path: the response to the query in {@code query[0, len)}, or null when there is nothing to answer. */
    byte[] answer(byte[] query, int len, boolean tcp) {
        Message q;
        try {
            q = new Message(len == query.length ? query : Arrays.copyOf(query, len));
        } catch (IOException e) {
            return Replies.formatError(query, len);
        }
        Header h = q.getHeader();
        if (h.getFlag(Flags.QR)) return null;
        OPTRecord opt = q.getOPT();
        int limit = tcp ? WireQuery.TCP_LIMIT : opt == null ? WireQuery.UDP_LIMIT_WITHOUT_EDNS
            : Math.min(WireQuery.UDP_LIMIT_MAX, Math.max(WireQuery.UDP_LIMIT_WITHOUT_EDNS, opt.getPayloadSize()));
        if (h.getOpcode() != Opcode.QUERY) return Replies.error(q, Rcode.NOTIMP, limit);
        Record question = q.getQuestion();
        if (question == null || h.getCount(Section.QUESTION) != 1) return Replies.error(q, Rcode.FORMERR, limit);
        if (opt != null && opt.getVersion() != 0) return Replies.error(q, Rcode.BADVERS, limit);
        try {
            return resolve(q, question, limit, tcp, query, len);
        } catch (RuntimeException e) {
            log.warn("failed to answer {}: {}", question, e.toString());
            return Replies.error(q, Rcode.SERVFAIL, limit);
        }
    }

    private byte[] resolve(Message q, Record question, int limit, boolean tcp, byte[] query, int len) {
        Name qname = question.getName();
        int qtype = question.getType();
        boolean ours = zone.contains(qname);
        ZoneAnswer local = null;
        if (ours) {
            if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) return Replies.error(q, Rcode.REFUSED, limit);
            if (qtype == Type.AXFR || qtype == Type.IXFR) return Replies.error(q, Rcode.REFUSED, limit);
            local = zone.resolve(qname, qtype);
        } else if (ClusterZone.isReverse(qname) && question.getDClass() == DClass.IN) {
            local = zone.reverse(qname, qtype);
        }
        if (local == null) return forward(q, question, limit);
        if (local.chase() != null) return withChasedTarget(q, local, qtype, limit);
        byte[] response = Replies.encode(q, local.rcode(), true, local.answers(), local.authority(), local.additional(), limit);
        WireQuery wq = new WireQuery();
        if (local.cacheable() && wq.parse(query, len)) cache.put(wq.key(tcp), local.validity(), response);
        return response;
    }

    /** An ExternalName's CNAME followed by the target's records (from the zone or upstream), not cached as bytes. */
    private byte[] withChasedTarget(Message q, ZoneAnswer first, int qtype, int limit) {
        List<Record> answers = new ArrayList<>(first.answers());
        List<Record> authority = first.authority();
        int rcode = first.rcode();
        Name target = first.chase();
        for (int hop = 0; target != null && hop < MAX_CNAME_HOPS; hop++) {
            if (zone.contains(target)) {
                ZoneAnswer next = zone.resolve(target, qtype);
                answers.addAll(next.answers());
                authority = next.authority();
                rcode = next.rcode();
                target = next.chase();
            } else {
                stats.forwarded.increment();
                ForwardCache.Hit hit = upstream.resolve(Record.newRecord(target, qtype, DClass.IN), cd(q), dnssecOk(q));
                if (hit == null) break; // the CNAME alone: the client may resolve the target itself
                answers.addAll(hit.records(Section.ANSWER));
                authority = hit.records(Section.AUTHORITY);
                rcode = hit.rcode();
                target = null;
            }
        }
        return Replies.encode(q, rcode, true, answers, answers.size() > first.answers().size() ? List.of() : authority, List.of(), limit);
    }

    private byte[] forward(Message q, Record question, int limit) {
        stats.forwarded.increment();
        ForwardCache.Hit hit = upstream.resolve(question, cd(q), dnssecOk(q));
        if (hit == null) {
            stats.upstreamFailures.increment();
            return Replies.error(q, Rcode.SERVFAIL, limit);
        }
        return Replies.encode(q, hit.rcode(), false, hit.records(Section.ANSWER), hit.records(Section.AUTHORITY),
            hit.records(Section.ADDITIONAL), limit);
    }

    private static boolean cd(Message q) {
        return q.getHeader().getFlag(Flags.CD);
    }

    private static boolean dnssecOk(Message q) {
        return q.getOPT() != null && (q.getOPT().getFlags() & ExtendedFlags.DO) != 0;
    }
}
