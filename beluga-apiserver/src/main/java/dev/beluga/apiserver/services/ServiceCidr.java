package dev.beluga.apiserver.services;

/**
 * An IPv4 service CIDR such as {@code 10.43.0.0/16} and the addresses Services may get from it: every address but the
 * network and broadcast addresses (offset 0 is {@code 10.43.0.1}, the {@code kubernetes} Service's). Immutable.
 */
public final class ServiceCidr implements ValueRange {
    private final long network;
    private final int prefix;

    private ServiceCidr(long network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code a.b.c.d/n}; the address is reduced to its network. Refuses IPv6 and prefixes longer than /30
     * (fewer than two usable addresses).
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static ServiceCidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("invalid service CIDR " + cidr + ": expected a.b.c.d/n");
        Long address = parseAddress(cidr.substring(0, slash));
        if (address == null) throw new IllegalArgumentException("invalid service CIDR " + cidr + ": only IPv4 is supported");
        int n;
        try {
            n = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid service CIDR " + cidr + ": bad prefix length");
        }
        if (n < 8 || n > 30) throw new IllegalArgumentException("invalid service CIDR " + cidr + ": the prefix length must be between 8 and 30");
        long mask = (0xFFFFFFFFL << (32 - n)) & 0xFFFFFFFFL;
        return new ServiceCidr(address & mask, n);
    }

    /** The numeric value of a dotted IPv4 address, or null if {@code s} is not one (leading zeros refused). */
    public static Long parseAddress(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
            if (p.length() > 1 && p.charAt(0) == '0') return null;
            int octet = Integer.parseInt(p);
            if (octet > 255) return null;
            v = (v << 8) | octet;
        }
        return v;
    }

    static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    /** How many addresses Services may get (the CIDR's size less the network and broadcast addresses). */
    @Override
    public int size() {
        return (int) ((1L << (32 - prefix)) - 2);
    }

    /** The usable address at {@code offset} (0 = the first, network + 1). */
    @Override
    public String value(int offset) {
        if (offset < 0 || offset >= size()) throw new IndexOutOfBoundsException(offset);
        return format(network + 1 + offset);
    }

    /** The offset of a usable address, or -1 if {@code ip} is not one (not IPv4, outside, network or broadcast). */
    @Override
    public int offsetOf(String ip) {
        Long a = parseAddress(ip);
        if (a == null) return -1;
        long off = a - network - 1;
        return off >= 0 && off < size() ? (int) off : -1;
    }

    /** The first usable address: the {@code kubernetes} Service's. */
    public String first() {
        return value(0);
    }

    /** The 10th address of the CIDR ({@code 10.43.0.10}): the cluster DNS Service's, as k3s; null if too small. */
    public String dnsAddress() {
        return size() >= 10 ? value(9) : null;
    }

    /** min(max(16, size/16), 256), none for CIDRs of 16 addresses or fewer. */
    @Override
    public int staticBand() {
        return size() + 2 <= 16 ? 0 : Math.min(Math.max(16, (size() + 2) / 16), 256);
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
