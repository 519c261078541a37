package dev.beluga.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A reader of DER (ITU-T X.690) elements, one after another, from a byte array: just enough ASN.1 for keys, names and
 * certificate extensions without a crypto library. Tags are the single identifier byte (class, constructed bit and a
 * tag number below 31; higher tag numbers are refused); lengths are definite (short or long form, up to 2^31 − 1).
 * Malformed or truncated input raises {@link IllegalArgumentException}. Not thread-safe (it keeps a position).
 */
final class DerReader {
    static final int INTEGER = 0x02, BIT_STRING = 0x03, OCTET_STRING = 0x04, NULL = 0x05, OID = 0x06, UTF8_STRING = 0x0C,
        NUMERIC_STRING = 0x12, PRINTABLE_STRING = 0x13, T61_STRING = 0x14, IA5_STRING = 0x16, VISIBLE_STRING = 0x1A,
        BMP_STRING = 0x1E, SEQUENCE = 0x30, SET = 0x31;

    private final byte[] data;
    private final int end;
    private int position;

    /** A reader of the whole of {@code der}. */
    DerReader(byte[] der) {
        this(der, 0, der.length);
    }

    private DerReader(byte[] data, int start, int end) {
        this.data = data;
        this.position = start;
        this.end = end;
    }

    /**
     * One element: its identifier byte and its contents (the bytes after the length).
     *
     * @param tag     the identifier byte, e.g. {@code 0x30} for a SEQUENCE, {@code 0xA0} for [0] constructed
     * @param encoded the whole element (identifier, length, contents)
     * @param offset  where the contents start in {@code encoded}
     */
    record Element(int tag, byte[] encoded, int offset) {
        /** The contents octets. */
        byte[] contents() {
            return Arrays.copyOfRange(encoded, offset, encoded.length);
        }

        /** A reader of the elements inside this (constructed) one. */
        DerReader reader() {
            return new DerReader(encoded, offset, encoded.length);
        }

        /** The value of an INTEGER. */
        BigInteger integer() {
            require(INTEGER);
            if (encoded.length == offset) throw new IllegalArgumentException("empty INTEGER");
            return new BigInteger(contents());
        }

        /** The dotted form of an OBJECT IDENTIFIER, e.g. "1.2.840.10045.2.1". */
        String oid() {
            require(OID);
            byte[] c = contents();
            if (c.length == 0 || (c[c.length - 1] & 0x80) != 0) throw new IllegalArgumentException("malformed OBJECT IDENTIFIER");
            StringBuilder out = new StringBuilder();
            long value = 0;
            boolean first = true;
            for (byte b : c) {
                if (value > (Long.MAX_VALUE >> 7)) throw new IllegalArgumentException("OBJECT IDENTIFIER arc too large");
                value = (value << 7) | (b & 0x7F);
                if ((b & 0x80) != 0) continue;
                if (first) {
                    int top = (int) Math.min(value / 40, 2);
                    out.append(top).append('.').append(value - 40L * top);
                    first = false;
                } else {
                    out.append('.').append(value);
                }
                value = 0;
            }
            return out.toString();
        }

        /** The bits of a BIT STRING with no unused bits (keys and signatures). */
        byte[] bitString() {
            require(BIT_STRING);
            if (encoded.length == offset || encoded[offset] != 0)
                throw new IllegalArgumentException("BIT STRING with unused bits where whole bytes were expected");
            return Arrays.copyOfRange(encoded, offset + 1, encoded.length);
        }

        /**
         * The text of a string element (UTF8String, PrintableString, IA5String, NumericString, VisibleString,
         * T61String read as ISO-8859-1, BMPString); any other element as "#" and the hex of its encoding (RFC 4514).
         */
        String text() {
            return switch (tag) {
                case UTF8_STRING -> new String(contents(), StandardCharsets.UTF_8);
                case PRINTABLE_STRING, IA5_STRING, NUMERIC_STRING, VISIBLE_STRING -> new String(contents(), StandardCharsets.US_ASCII);
                case T61_STRING -> new String(contents(), StandardCharsets.ISO_8859_1);
                case BMP_STRING -> new String(contents(), StandardCharsets.UTF_16BE);
                default -> "#" + HexFormat.of().formatHex(encoded);
            };
        }

        private void require(int expected) {
            if (tag != expected) throw new IllegalArgumentException(String.format("expected DER tag 0x%02x, found 0x%02x", expected, tag));
        }
    }

    /** True while elements remain. */
    boolean hasMore() {
        return position < end;
    }

    /** The identifier byte of the next element, or -1 at the end. */
    int peekTag() {
        return hasMore() ? data[position] & 0xFF : -1;
    }

    /** The next element, whatever its tag. */
    Element next() {
        if (!hasMore()) throw new IllegalArgumentException("truncated DER: an element was expected");
        int start = position;
        int tag = data[position++] & 0xFF;
        if ((tag & 0x1F) == 0x1F) throw new IllegalArgumentException("DER tag numbers above 30 are not supported");
        if (!hasMore()) throw new IllegalArgumentException("truncated DER: no length");
        int first = data[position++] & 0xFF;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7F;
            if (count == 0 || count > 4) throw new IllegalArgumentException("unsupported DER length form");
            long value = 0;
            for (int i = 0; i < count; i++) {
                if (!hasMore()) throw new IllegalArgumentException("truncated DER length");
                value = (value << 8) | (data[position++] & 0xFF);
            }
            if (value > Integer.MAX_VALUE) throw new IllegalArgumentException("DER length too large");
            length = (int) value;
        }
        if (length > end - position) throw new IllegalArgumentException("truncated DER: " + length + " content bytes announced");
        int contents = position;
        position += length;
        return new Element(tag, Arrays.copyOfRange(data, start, position), contents - start);
    }

    /** The next element, which must have identifier {@code tag}. */
    Element next(int tag) {
        int actual = peekTag();
        if (actual != tag) throw new IllegalArgumentException(String.format("expected DER tag 0x%02x, found 0x%02x", tag, actual));
        return next();
    }

    /** Fails unless every element has been read. */
    void requireEnd() {
        if (hasMore()) throw new IllegalArgumentException("unexpected data after the DER elements");
    }
}
