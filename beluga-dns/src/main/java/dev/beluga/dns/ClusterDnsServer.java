package dev.beluga.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The cluster DNS server: the cluster domain answered from a {@link ClusterIndex}, reverse names of the cluster's
 * addresses, and everything else forwarded to the configured upstreams through a cache; over UDP and TCP on one address
 * and port. See {@code docs/dns.md}.
 *
 * <pre>{@code
 * ClusterDnsSource source = ClusterDnsSource.start(client);               // informers feed source.index()
 * ClusterDnsServer dns = new ClusterDnsServer(DnsConfig.of(serviceIp, 53), source.index()).start();
 * ...
 * dns.close();
 * source.close();
 * }</pre>
 *
 * <p>Threading: {@link #start} and {@link #close} are idempotent and may be called from any thread; a closed server cannot
 * be started again. While running, UDP is served by {@link DnsConfig#udpWorkers()} platform threads and TCP connections
 * and queries that miss the response cache by virtual threads.
 */
public final class ClusterDnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDnsServer.class);

    private final DnsConfig config;
    private final ClusterIndex index;
    private final DnsStats stats = new DnsStats();
    private ExecutorService virtualThreads;
    private UdpListener udp;
    private TcpListener tcp;
    private InetSocketAddress address;
    private boolean started;
    private boolean closed;

    public ClusterDnsServer(DnsConfig config, ClusterIndex index) {
        this.config = config;
        this.index = index;
    }

    /** Binds both sockets and starts serving; returns this. */
    public synchronized ClusterDnsServer start() throws IOException {
        if (closed) throw new IllegalStateException("closed");
        if (started) return this;
        ClusterZone zone = new ClusterZone(config.clusterDomain(), config.ttlSeconds(), index,
            config.bindAddress().isAnyLocalAddress() ? null : config.bindAddress());
        UpstreamResolver upstream = new UpstreamResolver(new Forwarder(config.upstreams(), config.upstreamTimeout()),
            new ForwardCache(config.cacheSize(), System::nanoTime));
        QueryHandler handler = new QueryHandler(zone, new ResponseCache(index, config.cacheSize()), upstream, stats);
        virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        bind(handler);
        udp.start(config.udpWorkers());
        tcp.start();
        started = true;
        log.info("cluster DNS for {} on {} (UDP and TCP), upstreams {}", config.clusterDomain(), address, config.upstreams());
        return this;
    }

    /** Binds UDP, then TCP on the same port; with port 0, tries other free ports if TCP finds UDP's port taken. */
    private void bind(QueryHandler handler) throws IOException {
        for (int attempt = 0; ; attempt++) {
            DatagramChannel channel = DatagramChannel.open(config.bindAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            try {
                channel.bind(new InetSocketAddress(config.bindAddress(), config.port()));
                int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                ServerSocket server = new ServerSocket();
                try {
                    server.setReuseAddress(true);
                    server.bind(new InetSocketAddress(config.bindAddress(), port), 128);
                } catch (IOException e) {
                    server.close();
                    throw e;
                }
                address = new InetSocketAddress(config.bindAddress(), port);
                udp = new UdpListener(channel, handler, virtualThreads, stats);
                tcp = new TcpListener(server, handler, virtualThreads);
                return;
            } catch (BindException e) {
                channel.close();
                if (config.port() != 0 || attempt >= 10) throw e;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /** The address both sockets are bound to (the actual port when configured with 0); null before {@link #start}. */
    public synchronized InetSocketAddress address() {
        return address;
    }

    public DnsStats stats() {
        return stats;
    }

    /** Stops serving: closes both sockets and open TCP connections, ends the threads. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (!started) return;
        try {
            tcp.close();
        } catch (IOException e) {
            log.debug("closing TCP: {}", e.toString());
        }
        try {
            udp.close();
        } catch (IOException e) {
            log.debug("closing UDP: {}", e.toString());
        }
        virtualThreads.shutdownNow();
        try {
            if (!virtualThreads.awaitTermination(5, TimeUnit.SECONDS)) log.warn("DNS threads still running after close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
