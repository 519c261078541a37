package dev.beluga.dns;

/**
 * Reads what the response cache needs straight from a query's bytes, without building a message: the ID, the question
 * and the EDNS parameters. Only plain queries qualify (QR 0, opcode QUERY, one question without compression, nothing but
 * an optional EDNS version 0 OPT record); anything else goes the slow way.
 *
 * <p>Threading: mutable scratch space, confined to one thread; reused query after query.
 */
final class WireQuery {
    static final int UDP_LIMIT_WITHOUT_EDNS = 512;
    static final int UDP_LIMIT_MAX = 4096;
    static final int TCP_LIMIT = 65535;

    private static final int FLAG_RD = 0x0100;
    private static final int FLAG_CD = 0x0010;

    private byte[] buf;
    /** offset just after the question name (the question name starts at 12) */
    int nameEnd;
    int flags;
    int qtype;
    int qclass;
    boolean edns;
    int udpPayload;
    boolean dnssecOk;

    /** Reads {@code len} bytes of {@code b}; false when the query is not a plain one. */
    boolean parse(byte[] b, int len) {
        buf = b;
        if (len < 17) return false;
        flags = u16(b, 2);
        if ((flags & 0x8000) != 0 || ((flags >> 11) & 0xf) != 0) return false;
        if (u16(b, 4) != 1 || u16(b, 6) != 0 || u16(b, 8) != 0) return false;
        int additional = u16(b, 10);
        if (additional > 1) return false;
        int pos = 12;
        while (true) {
            if (pos >= len) return false;
            int l = b[pos] & 0xff;
            if (l == 0) {
                pos++;
                break;
            }
            if ((l & 0xc0) != 0) return false;
            pos += l + 1;
            if (pos - 12 > 255) return false;
        }
        nameEnd = pos;
        if (pos + 4 > len) return false;
        qtype = u16(b, pos);
        qclass = u16(b, pos + 2);
        pos += 4;
        edns = false;
        dnssecOk = false;
        udpPayload = 0;
        if (additional == 1) {
            // root name, TYPE 41, CLASS = payload size, TTL = extended rcode, version, flags; RDLENGTH; options
            if (pos + 11 > len || b[pos] != 0 || u16(b, pos + 1) != 41) return false;
            if (b[pos + 6] != 0) return false; // EDNS version > 0: BADVERS, answered by the slow path
            udpPayload = u16(b, pos + 3);
            dnssecOk = (u16(b, pos + 7) & 0x8000) != 0;
            pos += 11 + u16(b, pos + 9);
            edns = true;
        }
        return pos == len;
    }

    /** The largest response this query may get: 512 over UDP without EDNS, the advertised size (up to 4096) with it. */
    int responseLimit(boolean tcp) {
        if (tcp) return TCP_LIMIT;
        return edns ? Math.min(UDP_LIMIT_MAX, Math.max(UDP_LIMIT_WITHOUT_EDNS, udpPayload)) : UDP_LIMIT_WITHOUT_EDNS;
    }

    /**
     * The response cache key of the last parsed query: the question name in lower case, type, class, the RD and CD flags,
     * EDNS presence and DO bit, and the response size limit — everything the encoded response depends on except the ID
     * and the question name's letter case.
     */
    ResponseKey key(boolean tcp) {
        int nameLen = nameEnd - 12;
        byte[] k = new byte[8 + nameLen];
        int limit = responseLimit(tcp);
        k[0] = (byte) (((flags & FLAG_RD) != 0 ? 1 : 0) | ((flags & FLAG_CD) != 0 ? 2 : 0) | (edns ? 4 : 0) | (dnssecOk ? 8 : 0));
        k[1] = (byte) (limit >> 8);
        k[2] = (byte) limit;
        k[3] = (byte) (qtype >> 8);
        k[4] = (byte) qtype;
        k[5] = (byte) (qclass >> 8);
        k[6] = (byte) qclass;
        k[7] = (byte) nameLen;
        for (int i = 0; i < nameLen; i++) {
            byte c = buf[12 + i];
            // length octets are < 64, so only letters are changed
            k[8 + i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        return new ResponseKey(k);
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
