package dev.beluga.proxy.userspace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One bound socket of the userspace proxier — a Service port's cluster IP, an external or load-balancer IP, or a node
 * port — with one thread accepting (TCP) or receiving (UDP) on it, and the connections or sessions it forwards.
 *
 * <p>Threading: {@link #open}, {@link #use} and {@link #close} are called by the proxier's sync thread; the data
 * paths run on virtual threads of their own and read {@link #balancer} (volatile) for each new connection.
 */
abstract sealed class Listener permits TcpListener, UdpListener {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    final ListenKey key;
    volatile Balancer balancer;
    volatile boolean closed;
    /** The thread accepting or receiving on the socket, once open. */
    Thread loop;

    Listener(ListenKey key, Balancer balancer) {
        this.key = key;
        this.balancer = balancer;
    }

    static Listener of(ListenKey key, Balancer balancer, UserspaceProxier.Options options) {
        return switch (key.protocol()) {
            case TCP -> new TcpListener(key, balancer, options.dialTimeouts());
            case UDP -> new UdpListener(key, balancer, options.udpIdleTimeout(), options.maxUdpSessions());
            case SCTP -> throw new IllegalArgumentException("SCTP is not proxied");
        };
    }

    /** Binds the socket (failing here if it cannot) and starts serving it. */
    abstract void open() throws IOException;

    /** Serves new connections from {@code b}, which may have new backends. */
    void use(Balancer b) {
        balancer = b;
        backendsChanged();
    }

    /** Called after the balancer or its backends changed. */
    void backendsChanged() {
    }

    /** Closes the socket and every connection or session it forwards. */
    final void close() {
        closed = true;
        closeSockets();
    }

    abstract void closeSockets();

    /**
     * Waits (bounded) for the loop thread to end after {@link #close()}: a socket closed while a virtual thread is
     * blocked on it, or registered with a selector, is released only once that thread has woken up; until then its
     * port cannot be bound again.
     */
    final void awaitClosed() {
        Thread t = loop;
        if (t == null) return;
        try {
            if (!t.join(CLOSE_WAIT)) log.warn("{}: still closing after {}", key, CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    InetSocketAddress bindAddress() {
        return Ipv4.socket(key.ip(), key.port());
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing: {}", e.toString());
        }
    }
}
