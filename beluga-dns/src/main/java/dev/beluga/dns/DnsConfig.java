package dev.beluga.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a {@link ClusterDnsServer} listens and answers. Immutable.
 *
 * @param bindAddress     address the UDP and TCP sockets bind to (the cluster DNS service IP, or loopback in tests)
 * @param port            port for both sockets; 0 picks a free one (then {@link ClusterDnsServer#address()} tells which)
 * @param clusterDomain   the zone served from the index, e.g. {@code cluster.local} (no trailing dot)
 * @param upstreams       resolvers that names outside the zone are forwarded to, tried in order
 * @param ttlSeconds      TTL of every record of the zone, and the negative TTL of its SOA (CoreDNS: 5 s)
 * @param cacheSize       entries of each cache: encoded zone responses, and upstream answers
 * @param upstreamTimeout how long one upstream may take before the next one is asked
 * @param udpWorkers      threads receiving and answering UDP queries
 */
public record DnsConfig(InetAddress bindAddress, int port, String clusterDomain, List<InetSocketAddress> upstreams,
                        int ttlSeconds, int cacheSize, Duration upstreamTimeout, int udpWorkers) {
    public static final String DEFAULT_DOMAIN = "cluster.local";
    public static final int DEFAULT_TTL = 5;
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    public DnsConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        clusterDomain = clusterDomain.toLowerCase(Locale.ROOT);
        while (clusterDomain.endsWith(".")) clusterDomain = clusterDomain.substring(0, clusterDomain.length() - 1);
        if (clusterDomain.isEmpty()) throw new IllegalArgumentException("empty cluster domain");
        upstreams = List.copyOf(upstreams);
        if (ttlSeconds < 0) throw new IllegalArgumentException("ttl " + ttlSeconds);
        if (cacheSize < 1) throw new IllegalArgumentException("cache size " + cacheSize);
        if (udpWorkers < 1) throw new IllegalArgumentException("udp workers " + udpWorkers);
    }

    /**
     * Defaults: {@value #DEFAULT_DOMAIN}, TTL {@value #DEFAULT_TTL} s, {@value #DEFAULT_CACHE_SIZE} cache entries, 2 s per
     * upstream, two UDP workers, and the name servers of {@code /etc/resolv.conf} as upstreams, except this server's own
     * address.
     */
    public static DnsConfig of(InetAddress bindAddress, int port) {
        return new DnsConfig(bindAddress, port, DEFAULT_DOMAIN,
            ResolvConf.nameservers(Path.of("/etc/resolv.conf"), new InetSocketAddress(bindAddress, port)),
            DEFAULT_TTL, DEFAULT_CACHE_SIZE, Duration.ofSeconds(2), 2);
    }

    public DnsConfig withClusterDomain(String domain) {
        return new DnsConfig(bindAddress, port, domain, upstreams, ttlSeconds, cacheSize, upstreamTimeout, udpWorkers);
    }

    public DnsConfig withUpstreams(List<InetSocketAddress> servers) {
        return new DnsConfig(bindAddress, port, clusterDomain, servers, ttlSeconds, cacheSize, upstreamTimeout, udpWorkers);
    }

    public DnsConfig withTtlSeconds(int ttl) {
        return new DnsConfig(bindAddress, port, clusterDomain, upstreams, ttl, cacheSize, upstreamTimeout, udpWorkers);
    }

    public DnsConfig withCacheSize(int entries) {
        return new DnsConfig(bindAddress, port, clusterDomain, upstreams, ttlSeconds, entries, upstreamTimeout, udpWorkers);
    }

    public DnsConfig withUpstreamTimeout(Duration timeout) {
        return new DnsConfig(bindAddress, port, clusterDomain, upstreams, ttlSeconds, cacheSize, timeout, udpWorkers);
    }

    public DnsConfig withUdpWorkers(int workers) {
        return new DnsConfig(bindAddress, port, clusterDomain, upstreams, ttlSeconds, cacheSize, upstreamTimeout, workers);
    }
}
