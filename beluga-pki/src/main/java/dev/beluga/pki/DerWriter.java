package dev.beluga.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * DER (ITU-T X.690) encodings of single elements, each returned as a new byte array: the counterpart of
 * {@link DerReader} for writing keys and certificate requests without a crypto library. Stateless; thread-safe.
 */
final class DerWriter {
    private DerWriter() {
    }

    /** An element with identifier byte {@code tag} around the concatenation of {@code contents}. */
    static byte[] element(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) length += c.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(length >>> (8 * i));
        }
        for (byte[] c : contents) out.writeBytes(c);
        return out.toByteArray();
    }

    /** A SEQUENCE of the given encoded elements. */
    static byte[] sequence(byte[]... elements) {
        return element(DerReader.SEQUENCE, elements);
    }

    /** A SET of the given encoded elements, in the order given (callers pass one element or DER order). */
    static byte[] set(byte[]... elements) {
        return element(DerReader.SET, elements);
    }

    /** An INTEGER (two's complement, minimal). */
    static byte[] integer(BigInteger value) {
        return element(DerReader.INTEGER, value.toByteArray());
    }

    /** An OCTET STRING. */
    static byte[] octetString(byte[] octets) {
        return element(DerReader.OCTET_STRING, octets);
    }

    /** A BIT STRING of whole bytes. */
    static byte[] bitString(byte[] bits) {
        return element(DerReader.BIT_STRING, new byte[] {0}, bits);
    }

    /** NULL. */
    static byte[] nullValue() {
        return new byte[] {DerReader.NULL, 0};
    }

    /** A UTF8String. */
    static byte[] utf8String(String text) {
        return element(DerReader.UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An OBJECT IDENTIFIER from its dotted form.
     *
     * @throws IllegalArgumentException when {@code dotted} is not an OID
     */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) throw new IllegalArgumentException("not an OBJECT IDENTIFIER: " + dotted);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            long first = Long.parseLong(arcs[0]), second = Long.parseLong(arcs[1]);
            if (first < 0 || first > 2 || second < 0 || (first < 2 && second >= 40)) throw new NumberFormatException();
            base128(out, first * 40 + second);
            for (int i = 2; i < arcs.length; i++) {
                long arc = Long.parseLong(arcs[i]);
                if (arc < 0) throw new NumberFormatException();
                base128(out, arc);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an OBJECT IDENTIFIER: " + dotted, e);
        }
        return element(DerReader.OID, out.toByteArray());
    }

    /** {@code value} as an unsigned big-endian number of exactly {@code length} bytes (left-padded with zeros). */
    static byte[] unsigned(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        int skip = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        if (raw.length - skip > length) throw new IllegalArgumentException("value does not fit in " + length + " bytes");
        byte[] out = new byte[length];
        System.arraycopy(raw, skip, out, length - (raw.length - skip), raw.length - skip);
        return out;
    }

    private static void base128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) out.write((int) ((value >>> (7 * i)) & 0x7F) | (i > 0 ? 0x80 : 0));
    }
}
