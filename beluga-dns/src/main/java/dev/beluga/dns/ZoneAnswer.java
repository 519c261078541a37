package dev.beluga.dns;

import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

import java.util.List;

/**
 * The zone's answer to one question, before it is put in a message. Immutable.
 *
 * @param rcode      NOERROR or NXDOMAIN
 * @param answers    answer section (empty for NXDOMAIN and NODATA)
 * @param authority  authority section: the SOA for NXDOMAIN and NODATA
 * @param additional additional section: addresses of SRV targets
 * @param chase      a CNAME target (of an ExternalName service) whose records the server should add, else null
 * @param validity   how long the answer stays right (null: not to be cached)
 */
record ZoneAnswer(int rcode, List<Record> answers, List<Record> authority, List<Record> additional, Name chase,
                  Validity validity) {
    static ZoneAnswer of(List<Record> answers, List<Record> additional) {
        return new ZoneAnswer(Rcode.NOERROR, answers, List.of(), additional, null, null);
    }

    static ZoneAnswer nxdomain(Record soa) {
        return new ZoneAnswer(Rcode.NXDOMAIN, List.of(), List.of(soa), List.of(), null, null);
    }

    static ZoneAnswer nodata(Record soa) {
        return new ZoneAnswer(Rcode.NOERROR, List.of(), List.of(soa), List.of(), null, null);
    }

    /** The same answer with its validity. */
    ZoneAnswer validWhile(Validity v) {
        return new ZoneAnswer(rcode, answers, authority, additional, chase, v);
    }

    /** Whether the encoded response may be cached while its validity holds (not if it holds upstream data). */
    boolean cacheable() {
        return validity != null && chase == null;
    }
}
