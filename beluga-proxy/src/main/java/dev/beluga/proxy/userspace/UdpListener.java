package dev.beluga.proxy.userspace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A UDP entry into a Service port. Each client address (IP and port) gets a session: a socket of its own connected to
 * the backend chosen for it, so that the backend's replies can be told apart and sent back to that client from the
 * listener's socket — that is, from the Service address the client sent to.
 *
 * <p>A session ends after {@code idleTimeout} without a datagram either way, when its backend reports the port
 * unreachable (the client's next datagram starts a session with another backend), or when its backend stops being
 * one. At most {@code maxSessions} sessions at once: a new client beyond that ends the least recently active session
 * (DNS clients, for one, use a new port for every query, so that the oldest session is almost always finished). With
 * no backend, datagrams are dropped.
 *
 * <p>Threads: one platform thread per listener selects over the listener's socket and all its sessions' sockets
 * (a virtual thread would hold its carrier while selecting), with one datagram buffer; the sync thread only flags
 * changes and wakes it, so the sessions are the selecting thread's alone.
 */
final class UdpListener extends Listener {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    private static final int MAX_DATAGRAM = 65_535;
    /** Datagrams handled from one socket before looking at the others. */
    private static final int BURST = 64;
    private static final long SCAN_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private final long idleNanos;
    private final int maxSessions;
    private final Map<InetSocketAddress, Session> sessions = new HashMap<>();
    private final ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private volatile int sessionCount;
    private volatile boolean backendsChanged;
    private DatagramChannel channel;
    private Selector selector;

    UdpListener(ListenKey key, Balancer balancer, Duration idleTimeout, int maxSessions) {
        super(key, balancer);
        this.idleNanos = idleTimeout.toNanos();
        this.maxSessions = maxSessions;
    }

    private static final class Session {
        final InetSocketAddress client;
        final InetSocketAddress backend;
        final DatagramChannel up;
        long lastActive = System.nanoTime();

        Session(InetSocketAddress client, InetSocketAddress backend, DatagramChannel up) {
            this.client = client;
            this.backend = backend;
            this.up = up;
        }
    }

    @Override
    void open() throws IOException {
        Selector sel = Selector.open();
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.bind(bindAddress());
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            if (ch != null) closeQuietly(ch);
            closeQuietly(sel);
            throw e;
        }
        selector = sel;
        channel = ch;
        loop = Thread.ofPlatform().daemon().name("userspace-udp " + key).start(this::run);
    }

    int sessionCount() {
        return sessionCount;
    }

    @Override
    void backendsChanged() {
        backendsChanged = true;
        if (selector != null) selector.wakeup();
    }

    @Override
    void closeSockets() {
        if (selector != null) selector.wakeup(); // the loop closes everything on its way out
    }

    private void run() {
        long lastScan = System.nanoTime();
        try {
            while (!closed) {
                selector.select(Math.max(1, Math.min(idleNanos, SCAN_INTERVAL_NANOS) / 1_000_000));
                if (closed) break;
                for (SelectionKey k : selector.selectedKeys()) {
                    if (!k.isValid()) continue;
                    if (k.attachment() instanceof Session s) fromBackend(s);
                    else fromClients();
                }
                selector.selectedKeys().clear();
                if (backendsChanged) {
                    backendsChanged = false;
                    Balancer b = balancer;
                    endAll(s -> !b.isBackend(s.backend));
                }
                long now = System.nanoTime();
                if (now - lastScan >= SCAN_INTERVAL_NANOS || idleNanos < SCAN_INTERVAL_NANOS) {
                    lastScan = now;
                    endAll(s -> now - s.lastActive >= idleNanos);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) log.warn("{}: UDP forwarding stopped: {}", key, e.toString());
        } finally {
            endAll(s -> true);
            closeQuietly(channel);
            closeQuietly(selector); // releases the channels' descriptors: the port is free when this thread ends
        }
    }

    private void fromClients() throws IOException {
        for (int i = 0; i < BURST; i++) {
            buf.clear();
            InetSocketAddress client = (InetSocketAddress) channel.receive(buf);
            if (client == null) return;
            buf.flip();
            Session s = sessions.get(client);
            if (s == null && (s = start(client)) == null) continue;
            s.lastActive = System.nanoTime();
            try {
                s.up.write(buf);
            } catch (IOException e) { // e.g. the backend's port unreachable: the next datagram picks a backend anew
                log.debug("{}: to {}: {}", key, s.backend, e.toString());
                end(s);
            }
        }
    }

    private void fromBackend(Session s) {
        for (int i = 0; i < BURST; i++) {
            buf.clear();
            try {
                if (s.up.receive(buf) == null) return;
            } catch (IOException e) {
                log.debug("{}: session {} → {} ends: {}", key, s.client, s.backend, e.toString());
                end(s);
                return;
            }
            buf.flip();
            s.lastActive = System.nanoTime();
            try {
                channel.send(buf, s.client); // no room in the socket's buffer: dropped, as the network may
            } catch (IOException e) {
                log.debug("{}: to client {}: {}", key, s.client, e.toString());
            }
        }
    }

    /** A new session for {@code client}, or null (the datagram is dropped). */
    private Session start(InetSocketAddress client) {
        if (sessions.size() >= maxSessions) evictLeastRecent();
        InetSocketAddress backend = balancer.pick(client.getAddress(), Set.of());
        if (backend == null) return null;
        DatagramChannel up = null;
        try {
            up = DatagramChannel.open(StandardProtocolFamily.INET);
            up.connect(backend);
            up.configureBlocking(false);
            Session s = new Session(client, backend, up);
            up.register(selector, SelectionKey.OP_READ, s);
            sessions.put(client, s);
            sessionCount = sessions.size();
            return s;
        } catch (IOException e) {
            log.debug("{}: no socket towards {}: {}", key, backend, e.toString());
            if (up != null) closeQuietly(up);
            return null;
        }
    }

    private void evictLeastRecent() {
        Session oldest = null;
        for (Session s : sessions.values()) if (oldest == null || s.lastActive < oldest.lastActive) oldest = s;
        if (oldest != null) end(oldest);
    }

    private void endAll(Predicate<Session> which) {
        List<Session> ending = new ArrayList<>();
        for (Session s : sessions.values()) if (which.test(s)) ending.add(s);
        ending.forEach(this::end);
    }

    private void end(Session s) {
        sessions.remove(s.client, s);
        sessionCount = sessions.size();
        closeQuietly(s.up);
    }
}
