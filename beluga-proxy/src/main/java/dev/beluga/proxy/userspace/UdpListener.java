package dev.beluga.proxy.userspace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A UDP entry into a Service port. Each client address (IP and port) gets a session: a socket of its own connected to
 * the backend chosen for it, so that the backend's replies can be told apart and sent back to that client from the
 * listener's socket — that is, from the Service address the client sent to. A session ends after {@code idleTimeout}
 * without a datagram either way, when its backend reports the port unreachable (the client's next datagram starts a
 * session with another backend), or when its backend stops being one. At most {@code maxSessions} sessions at once;
 * datagrams from further clients are dropped until some end. With no backend, datagrams are dropped.
 *
 * <p>Threads: one virtual thread receiving from clients; one per session receiving the backend's replies.
 */
final class UdpListener extends Listener {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);
    private static final int MAX_DATAGRAM = 65_535;

    private final long idleNanos;
    private final int maxSessions;
    private final ConcurrentHashMap<InetSocketAddress, Session> sessions = new ConcurrentHashMap<>();
    private DatagramSocket socket;
    private long dropped;

    UdpListener(ListenKey key, Balancer balancer, Duration idleTimeout, int maxSessions) {
        super(key, balancer);
        this.idleNanos = idleTimeout.toNanos();
        this.maxSessions = maxSessions;
    }

    @Override
    void open() throws IOException {
        socket = new DatagramSocket(bindAddress());
        loop = Thread.ofVirtual().name("userspace-udp " + key).start(this::receiveLoop);
    }

    private void receiveLoop() {
        DatagramPacket p = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        while (!closed) {
            try {
                p.setLength(MAX_DATAGRAM);
                socket.receive(p);
            } catch (IOException e) {
                if (!closed) log.warn("{}: receive failed, listener stops: {}", key, e.toString());
                return;
            }
            InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
            Session s = sessions.get(client);
            if (s == null) s = start(client);
            if (s != null) s.forward(p);
        }
    }

    /** A new session for {@code client}, or null (the datagram is dropped). */
    private Session start(InetSocketAddress client) {
        if (sessions.size() >= maxSessions) {
            if (dropped++ % 1000 == 0) log.warn("{}: {} UDP sessions open, dropping datagrams of new clients", key, maxSessions);
            return null;
        }
        InetSocketAddress backend = balancer.pick(client.getAddress(), Set.of());
        if (backend == null) return null;
        DatagramSocket up;
        try {
            up = new DatagramSocket();
            up.connect(backend);
        } catch (IOException e) {
            log.debug("{}: no socket towards {}: {}", key, backend, e.toString());
            return null;
        }
        Session s = new Session(client, backend, up);
        sessions.put(client, s);
        if (closed) { // close() may have run between the check in receiveLoop and the put
            s.end();
            return null;
        }
        Thread.ofVirtual().name("userspace-udp-session " + key).start(s::relayReplies);
        return s;
    }

    int sessionCount() {
        return sessions.size();
    }

    @Override
    void backendsChanged() {
        Balancer b = balancer;
        for (Session s : sessions.values()) if (!b.isBackend(s.backend)) s.end();
    }

    @Override
    void closeSockets() {
        if (socket != null) closeQuietly(socket);
        for (Session s : sessions.values()) s.end();
    }

    private final class Session {
        final InetSocketAddress client;
        final InetSocketAddress backend;
        final DatagramSocket up;
        volatile long lastActive = System.nanoTime();

        Session(InetSocketAddress client, InetSocketAddress backend, DatagramSocket up) {
            this.client = client;
            this.backend = backend;
            this.up = up;
        }

        void forward(DatagramPacket p) {
            lastActive = System.nanoTime();
            try {
                up.send(new DatagramPacket(p.getData(), p.getOffset(), p.getLength()));
            } catch (IOException e) { // e.g. the backend's port unreachable: the next datagram picks a backend anew
                log.debug("{}: to {}: {}", key, backend, e.toString());
                end();
            }
        }

        void relayReplies() {
            DatagramPacket p = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
            try {
                while (!closed) {
                    long idleLeft = idleNanos - (System.nanoTime() - lastActive);
                    if (idleLeft <= 0) break;
                    up.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, idleLeft / 1_000_000)));
                    p.setLength(MAX_DATAGRAM);
                    try {
                        up.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    lastActive = System.nanoTime();
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), client));
                }
            } catch (IOException e) {
                log.debug("{}: session {} → {} ends: {}", key, client, backend, e.toString());
            } finally {
                end();
            }
        }

        void end() {
            sessions.remove(client, this);
            closeQuietly(up);
        }
    }
}
