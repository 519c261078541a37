package dev.beluga.agent.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The timestamp that starts every CRI log entry: RFC 3339 with an optional fraction of up to nine digits and an offset
 * ({@code Z} or {@code ±hh:mm}), as containerd writes it with Go's {@code time.RFC3339Nano}.
 *
 * <p>{@link #format()} renders it the way the kubelet prefixes lines for {@code timestamps=true}: Go's RFC3339Nano
 * layout in the entry's own offset, fraction without trailing zeros (none at all when zero), {@code Z} for a zero
 * offset. Immutable.
 *
 * @param epochSecond   seconds since the epoch
 * @param nano          nanoseconds within the second
 * @param offsetSeconds the offset from UTC the timestamp was written in
 */
public record CriTimestamp(long epochSecond, int nano, int offsetSeconds) {

    /** The point in time. */
    public Instant instant() {
        return Instant.ofEpochSecond(epochSecond, nano);
    }

    /**
     * Parses {@code len} ASCII bytes at {@code off}, or returns null when they are not an RFC 3339 date-time (what
     * the kubelet does with such an entry: it skips it).
     */
    public static CriTimestamp parse(byte[] b, int off, int len) {
        // yyyy-mm-ddThh:mm:ss[.f{1,9}](Z|±hh:mm)
        if (len < 20) return null;
        int year = digits(b, off, 4);
        int month = digits(b, off + 5, 2);
        int day = digits(b, off + 8, 2);
        int hour = digits(b, off + 11, 2);
        int minute = digits(b, off + 14, 2);
        int second = digits(b, off + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
            || second < 0 || second > 59) return null;
        if (b[off + 4] != '-' || b[off + 7] != '-' || (b[off + 10] != 'T' && b[off + 10] != 't') || b[off + 13] != ':'
            || b[off + 16] != ':') return null;
        int i = off + 19;
        int end = off + len;
        int nano = 0;
        if (i < end && b[i] == '.') {
            i++;
            int digits = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (digits < 9) nano = nano * 10 + (b[i] - '0');
                digits++;
                i++;
            }
            if (digits == 0 || digits > 9) return null;
            for (int k = digits; k < 9; k++) nano *= 10;
        }
        int offset;
        if (i < end && (b[i] == 'Z' || b[i] == 'z') && i + 1 == end) {
            offset = 0;
        } else if (i + 6 == end && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
            int oh = digits(b, i + 1, 2);
            int om = digits(b, i + 4, 2);
            if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
            offset = (b[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        } else {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (java.time.DateTimeException e) {
            return null;
        }
        long epoch = date.toEpochDay() * 86_400L + hour * 3600L + minute * 60L + second - offset;
        return new CriTimestamp(epoch, nano, offset);
    }

    /** {@link #parse(byte[], int, int)} of a string. */
    public static CriTimestamp parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return parse(b, 0, b.length);
    }

    /** Go's {@code time.RFC3339Nano} rendering, in the timestamp's own offset. */
    public String format() {
        long local = epochSecond + offsetSeconds;
        long days = Math.floorDiv(local, 86_400L);
        int secs = (int) Math.floorMod(local, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(days);
        StringBuilder sb = new StringBuilder(35);
        pad(sb, date.getYear(), 4).append('-');
        pad(sb, date.getMonthValue(), 2).append('-');
        pad(sb, date.getDayOfMonth(), 2).append('T');
        pad(sb, secs / 3600, 2).append(':');
        pad(sb, secs / 60 % 60, 2).append(':');
        pad(sb, secs % 60, 2);
        if (nano != 0) {
            StringBuilder f = new StringBuilder(9);
            pad(f, nano, 9);
            int len = 9;
            while (f.charAt(len - 1) == '0') len--;
            sb.append('.').append(f, 0, len);
        }
        if (offsetSeconds == 0) {
            sb.append('Z');
        } else {
            int abs = Math.abs(offsetSeconds);
            sb.append(offsetSeconds < 0 ? '-' : '+');
            pad(sb, abs / 3600, 2).append(':');
            pad(sb, abs / 60 % 60, 2);
        }
        return sb.toString();
    }

    private static int digits(byte[] b, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s);
    }
}
