package dev.beluga.cli.bench;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;
import dev.beluga.pki.TlsTrust;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a server's {@code /readyz} over HTTPS while taking as little of the machine as it can, so that a start-up
 * figure is the server's and not this JVM's (on 2 cores, a benchmark JVM that compiles its HTTP client and does its
 * first TLS handshake while the server starts took ~1 s of CPU from that start).
 *
 * <ul>
 *   <li>The port is polled with plain connects every {@value #POLL_MILLIS} ms (a refused connect costs microseconds);
 *       only a port that accepts gets {@code GET /readyz}, over a raw TLS socket (HTTP/1.1 kept alive, no client
 *       library).</li>
 *   <li>{@link #warmedUp()} first runs that TLS client path {@value #WARM_UP_REQUESTS} times against a throwaway server
 *       in this JVM (an EC P-256 certificate, as Beluga's), so the measured handshake is not this JVM's first.</li>
 *   <li>{@link #settle()} waits until this JVM's own CPU use (its compilers, mostly) has died down, as on a machine
 *       where a user starts {@code beluga server}.</li>
 * </ul>
 * Only loopback traffic; the server is not authenticated ({@link TlsTrust#acceptingAnyServer}). Thread-safe: the probe
 * holds only its TLS context.
 */
final class ReadinessProbe {
    static final int POLL_MILLIS = 10;
    static final int WARM_UP_REQUESTS = 60;
    /** This JVM counts as settled when it used less CPU than this in a {@link #SETTLE_WINDOW_MILLIS} window. */
    static final long SETTLE_CPU_MILLIS = 20;
    static final long SETTLE_WINDOW_MILLIS = 250;
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(15);
    private static final byte[] REQUEST = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);

    private static ReadinessProbe warmed;
    private final SSLSocketFactory tls;

    ReadinessProbe() {
        // any server: the probe checks readiness, not identity, and talks to loopback only
        this.tls = TlsTrust.acceptingAnyServer(null).getSocketFactory();
    }

    /** The probe of this JVM, warmed up by its first call (a few seconds, once). */
    static synchronized ReadinessProbe warmedUp() throws Exception {
        if (warmed == null) {
            ReadinessProbe probe = new ReadinessProbe();
            probe.warmUp();
            warmed = probe;
        }
        return warmed;
    }

    /**
     * Waits (at most {@link #SETTLE_LIMIT}) until this process used less than {@value #SETTLE_CPU_MILLIS} ms of CPU
     * in {@value #SETTLE_WINDOW_MILLIS} ms. Returns whether it did.
     */
    static boolean settle() throws InterruptedException {
        long pid = ProcessHandle.current().pid();
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        long before = ThreadCpuBreakdown.processMillis(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(SETTLE_WINDOW_MILLIS);
            long now = ThreadCpuBreakdown.processMillis(pid);
            if (before < 0 || now < 0) return false; // no /proc: nothing to wait for
            if (now - before < SETTLE_CPU_MILLIS) return true;
            before = now;
        }
        return false;
    }

    /**
     * Polls until {@code https://127.0.0.1:PORT/readyz} answers 200; returns the milliseconds since {@code t0} (a
     * {@link System#nanoTime()}). Throws when {@code limit} passes first, or when {@code server} exits. Like an HTTP
     * client library, it keeps its connection between attempts (one TLS handshake, not one per attempt).
     */
    long waitReady(int port, long t0, Duration limit, Process server) throws Exception {
        long deadline = t0 + limit.toNanos();
        try (Connection c = new Connection(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            while (System.nanoTime() < deadline) {
                if (!server.isAlive()) throw new IllegalStateException("the server exited with code " + server.exitValue() + " before it was ready");
                if (c.ready()) return (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(POLL_MILLIS);
            }
        }
        throw new IllegalStateException("server not ready within " + limit.toSeconds() + " s");
    }

    /** A keep-alive HTTP/1.1 connection over TLS for {@code GET /readyz}, opened again when the server closes it. */
    private final class Connection implements AutoCloseable {
        private final InetSocketAddress address;
        private SSLSocket socket;

        Connection(InetSocketAddress address) {
            this.address = address;
        }

        /** One attempt: connect if not connected (a refused connect is cheap); GET /readyz; whether it answered 200. */
        boolean ready() {
            try {
                if (socket == null && !connect()) return false;
                socket.getOutputStream().write(REQUEST);
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                String status = line(in);
                long length = -1;
                for (String header; !(header = line(in)).isEmpty(); ) {
                    int colon = header.indexOf(':');
                    if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length"))
                        length = Long.parseLong(header.substring(colon + 1).trim());
                }
                if (length < 0) close(); // no length (chunked, or the connection ends the body): a new connection next time
                else in.skipNBytes(length);
                return status.startsWith("HTTP/1.1 200 ");
            } catch (IOException | RuntimeException notYet) {
                close(); // listening, but TLS or the handler not ready yet, or the server closed the connection
                return false;
            }
        }

        private boolean connect() throws IOException {
            Socket raw = new Socket();
            try {
                raw.connect(address, 1000);
            } catch (IOException refused) {
                raw.close();
                return false;
            }
            socket = (SSLSocket) tls.createSocket(raw, address.getHostString(), address.getPort(), true);
            socket.setSoTimeout(2000);
            return true;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    /** One CRLF-terminated line (without it); at most 8 KiB kept. Also {@link CountingGet}'s. */
    static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c == -1) throw new IOException("connection closed");
            if (c != '\r' && line.length() < 8192) line.append((char) c);
        }
        return line.toString();
    }

    /**
     * Runs the client path {@value #WARM_UP_REQUESTS} times against a TLS server in this JVM on a free loopback port,
     * then waits for this JVM's compilers to finish with it ({@link #settle}).
     */
    private void warmUp() throws Exception {
        try (SSLServerSocket server = loopbackTlsServer()) {
            Thread answering = Thread.ofPlatform().name("probe-warm-up").daemon().start(() -> answer(server));
            InetSocketAddress address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
            for (int i = 0; i < WARM_UP_REQUESTS; i++) {
                try (Connection c = new Connection(address)) { // a handshake each time: the server closes after answering
                    if (!c.ready()) throw new IllegalStateException("the probe's warm-up server did not answer");
                }
            }
            server.close();
            answering.join(TimeUnit.SECONDS.toMillis(5));
        }
        settle();
    }

    /**
     * A TLS server socket on a free loopback port, with a certificate (EC P-256, as Beluga's) from a CA made for it
     * and thrown away; for the warm-up and for tests.
     */
    static SSLServerSocket loopbackTlsServer() throws Exception {
        return (SSLServerSocket) loopbackServerContext().getServerSocketFactory()
            .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** A server TLS context with a certificate for the loopback address (EC P-256) from a CA made for it and thrown away. */
    static SSLContext loopbackServerContext() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        CertificateAuthority ca = CertificateAuthority.create("beluga-bench-probe", Duration.ofDays(1));
        IssuedCertificate cert = ca.issueServing("probe", List.of("localhost"), List.of(loopback), Duration.ofDays(1));
        char[] password = "probe".toCharArray();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStores.keyStore("probe", cert.key(), cert.chain(), password), password);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        return serverContext;
    }

    /** The warm-up server: answers each connection's request with 200 until its socket is closed. */
    private static void answer(SSLServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                // read the request head up to its blank line
                for (int c, run = 0; run < 4 && (c = in.read()) != -1; ) run = (c == '\r' || c == '\n') ? run + 1 : 0;
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // closed at the end of the warm-up, or one connection failed: the client's check reports that
            }
        }
    }
}
