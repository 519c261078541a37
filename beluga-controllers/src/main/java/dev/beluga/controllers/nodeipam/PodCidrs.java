package dev.beluga.controllers.nodeipam;

import java.util.Set;

/**
 * An IPv4 cluster CIDR cut into equal node blocks, e.g. {@code 10.42.0.0/16} into 256 {@code /24}s. Immutable.
 */
public record PodCidrs(int base, int prefix, int nodePrefix) {
    public PodCidrs {
        if (nodePrefix < prefix || nodePrefix > 30) throw new IllegalArgumentException("node mask /" + nodePrefix + " does not fit /" + prefix);
    }

    public static PodCidrs parse(String cidr, int nodePrefix) {
        String[] parts = cidr.split("/");
        String[] o = parts[0].split("\\.");
        int ip = 0;
        for (String x : o) ip = (ip << 8) | Integer.parseInt(x);
        int prefix = Integer.parseInt(parts[1]);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return new PodCidrs(ip & mask, prefix, nodePrefix);
    }

    /** How many node blocks there are. */
    public int size() {
        return 1 << (nodePrefix - prefix);
    }

    /** Block {@code i} as {@code a.b.c.d/n}. */
    public String block(int i) {
        int ip = base + (i << (32 - nodePrefix));
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff) + "/" + nodePrefix;
    }

    /** The lowest block not in {@code used}, or null when all are taken. */
    public String firstFree(Set<String> used) {
        for (int i = 0; i < size(); i++) {
            String b = block(i);
            if (!used.contains(b)) return b;
        }
        return null;
    }
}
