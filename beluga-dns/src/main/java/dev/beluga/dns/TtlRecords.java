package dev.beluga.dns;

import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.IOException;

/** Copies of records with another TTL (dnsjava keeps its TTL setter private). Stateless. */
final class TtlRecords {
    private TtlRecords() {
    }

    static Record withTtl(Record r, long ttl) {
        if (r.getTTL() == ttl) return r;
        byte[] wire = r.toWire(Section.ANSWER);
        int at = r.getName().length() + 4; // owner name, TYPE, CLASS, then TTL
        wire[at] = (byte) (ttl >>> 24);
        wire[at + 1] = (byte) (ttl >>> 16);
        wire[at + 2] = (byte) (ttl >>> 8);
        wire[at + 3] = (byte) ttl;
        try {
            return Record.fromWire(wire, Section.ANSWER);
        } catch (IOException e) {
            throw new IllegalStateException("re-reading a record dnsjava wrote", e);
        }
    }
}
