package dev.beluga.dns;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.util.List;

/**
 * Encodes responses to a query: same ID, question and RD/CD flags, RA set (names outside the zone are resolved), an OPT
 * record when the query had one. Larger than the transport allows, a response loses additional records first (without TC,
 * RFC 2181 §9), then answers (with TC set); dnsjava's {@code toWire(limit)} does both. Stateless.
 */
final class Replies {
    /** The UDP payload size this server advertises (DNS flag day 2020). */
    static final int ADVERTISED_PAYLOAD = 1232;

    private Replies() {
    }

    static byte[] encode(Message query, int rcode, boolean authoritative, List<Record> answers, List<Record> authority,
                         List<Record> additional, int limit) {
        Message m = new Message(query.getHeader().getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(Opcode.QUERY);
        if (query.getHeader().getFlag(Flags.RD)) h.setFlag(Flags.RD);
        if (query.getHeader().getFlag(Flags.CD)) h.setFlag(Flags.CD);
        h.setFlag(Flags.RA);
        if (authoritative) h.setFlag(Flags.AA);
        h.setRcode(rcode & 0xf);
        if (query.getQuestion() != null) m.addRecord(query.getQuestion(), Section.QUESTION);
        for (Record r : answers) m.addRecord(r, Section.ANSWER);
        for (Record r : authority) m.addRecord(r, Section.AUTHORITY);
        for (Record r : additional) if (!(r instanceof OPTRecord)) m.addRecord(r, Section.ADDITIONAL);
        if (query.getOPT() != null) m.addRecord(new OPTRecord(ADVERTISED_PAYLOAD, rcode >> 4, 0), Section.ADDITIONAL);
        return m.toWire(limit);
    }

    /** A response without records: errors (FORMERR, SERVFAIL, NOTIMP, REFUSED, BADVERS). */
    static byte[] error(Message query, int rcode, int limit) {
        return encode(query, rcode, false, List.of(), List.of(), List.of(), limit);
    }

    /**
     * FORMERR for a query whose body could not be parsed: just its header, when at least that is readable; else null
     * (nothing to answer).
     */
    static byte[] formatError(byte[] query, int len) {
        if (len < Header.LENGTH || (query[2] & 0x80) != 0) return null;
        byte[] r = new byte[Header.LENGTH];
        r[0] = query[0];
        r[1] = query[1];
        r[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, same opcode and RD
        r[3] = (byte) (0x80 | Rcode.FORMERR); // RA
        return r;
    }
}
