package dev.beluga.proxy;

/** The transport protocols a Service port can carry (SCTP is accepted by the API but not proxied). */
public enum Protocol {
    TCP, UDP, SCTP;

    /** The lower-case name nftables and conntrack use. */
    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** TCP when absent, as the API server defaults it. */
    public static Protocol of(String s) {
        return s == null || s.isEmpty() ? TCP : valueOf(s);
    }
}
