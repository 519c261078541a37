package dev.beluga.pki;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTPS/1.1 server on a loopback port that requires a client certificate and answers every request with
 * {@code ok <user> <groups>} (the {@link X509Identity} of the client certificate). Each connection's outcome (the
 * identity, or the handshake failure) is queued for the test to inspect.
 */
final class IdentityEchoServer implements AutoCloseable {
    /** What happened on one connection: exactly one of the two is non-null. */
    record Outcome(X509Identity identity, Exception failure) {
    }

    private final SSLServerSocket socket;
    private final Thread acceptor;
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

    IdentityEchoServer(SSLContext context) throws IOException {
        socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
        socket.setNeedClientAuth(true);
        acceptor = Thread.ofPlatform().daemon().name("identity-echo").start(this::acceptLoop);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next connection's outcome, waiting up to 20 s. */
    Outcome nextOutcome() throws InterruptedException {
        Outcome o = outcomes.poll(20, TimeUnit.SECONDS);
        if (o == null) throw new AssertionError("no connection reached the server");
        return o;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (SSLSocket s = (SSLSocket) socket.accept()) {
                s.setSoTimeout(15_000);
                X509Identity identity;
                try {
                    s.startHandshake();
                    identity = X509Identity.fromCertificate((X509Certificate) s.getSession().getPeerCertificates()[0]);
                } catch (Exception e) {
                    outcomes.add(new Outcome(null, e));
                    continue;
                }
                outcomes.add(new Outcome(identity, null));
                answer(s, identity);
            } catch (IOException e) {
                if (socket.isClosed()) return;
                // else a client went away mid-request; its outcome is already queued
            }
        }
    }

    private static void answer(SSLSocket s, X509Identity identity) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            // skip the request line and headers
        }
        byte[] body = ("ok " + identity.user() + " " + identity.groups()).getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
