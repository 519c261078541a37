package dev.beluga.apiserver.services;

/**
 * The values one allocator hands out, numbered {@code 0..size()-1}: the addresses of a {@link ServiceCidr} or the
 * ports of a {@link PortRange}. Implementations are immutable.
 */
interface ValueRange {
    int size();

    /** The value at {@code offset}, as it appears in Services and record keys. */
    String value(int offset);

    /** The offset of {@code value}, or -1 if it is not in the range (or not a value at all). */
    int offsetOf(String value);

    /**
     * How many values at the start of the range dynamic allocation leaves to the end, so that values chosen by users
     * (e.g. the DNS Service's 10th address) rarely find themselves taken — upstream's reserved ranges for static
     * allocation (KEP-3070 for IPs, KEP-3668 for node ports).
     */
    int staticBand();
}
