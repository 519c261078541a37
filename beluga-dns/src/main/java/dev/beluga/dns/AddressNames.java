package dev.beluga.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Conversions between IP addresses and the DNS labels that name them: literals, the dashed form of pod and endpoint
 * names ({@code 10-1-2-3}, {@code fd00--1}), and reverse names under {@code in-addr.arpa} / {@code ip6.arpa}. Stateless;
 * never does a name lookup.
 */
public final class AddressNames {
    private AddressNames() {
    }

    /** An IPv4 or IPv6 literal, or null if {@code s} is not one (no resolution is ever attempted). */
    public static InetAddress parseLiteral(String s) {
        if (s == null || s.isEmpty()) return null;
        if (s.indexOf(':') >= 0) {
            try {
                // a string with ':' is only ever parsed as an IPv6 literal, never looked up
                return InetAddress.getByName(s.startsWith("[") ? s : "[" + s + "]");
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        byte[] b = parseIpv4(s, '.');
        return b == null ? null : byAddress(b);
    }

    /** The dashed label of an address: {@code 10-1-2-3}, or for IPv6 the compressed text with ':' replaced by '-'. */
    public static String dashed(InetAddress a) {
        return (a instanceof Inet6Address ? compressed((Inet6Address) a) : a.getHostAddress()).replace('.', '-').replace(':', '-');
    }

    /** The address a dashed label names ({@code 10-1-2-3} or {@code fd00--1}), or null. */
    public static InetAddress parseDashed(String label) {
        byte[] b = parseIpv4(label, '-');
        if (b != null) return byAddress(b);
        if (label.indexOf("-") < 0) return null;
        InetAddress a = parseLiteral(label.replace('-', ':'));
        return a instanceof Inet6Address ? a : null;
    }

    /**
     * The address a reverse name's labels name, most significant last as on the wire: four decimal labels for
     * {@code in-addr.arpa}, 32 hex nibbles for {@code ip6.arpa}; null when the labels are not a full address.
     */
    public static InetAddress parseReverse(String[] labels, boolean ipv6) {
        if (!ipv6) {
            if (labels.length != 4) return null;
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = octet(labels[3 - i]);
                if (v < 0) return null;
                b[i] = (byte) v;
            }
            return byAddress(b);
        }
        if (labels.length != 32) return null;
        byte[] b = new byte[16];
        for (int i = 0; i < 32; i++) {
            String l = labels[i];
            if (l.length() != 1) return null;
            int d = Character.digit(l.charAt(0), 16);
            if (d < 0) return null;
            int nibble = 31 - i;
            b[nibble / 2] |= (byte) ((nibble % 2 == 0) ? d << 4 : d);
        }
        return byAddress(b);
    }

    private static byte[] parseIpv4(String s, char sep) {
        byte[] b = new byte[4];
        int part = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == sep) {
                if (part == 4) return null;
                int v = octet(s.substring(start, i));
                if (v < 0) return null;
                b[part++] = (byte) v;
                start = i + 1;
            }
        }
        return part == 4 ? b : null;
    }

    private static int octet(String s) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only thrown for a wrong length
        }
    }

    /** RFC 5952 text of an IPv6 address: lower case, longest run of zero groups as "::". */
    private static String compressed(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code a} is an IPv4 address (A records) rather than IPv6 (AAAA). */
    public static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
