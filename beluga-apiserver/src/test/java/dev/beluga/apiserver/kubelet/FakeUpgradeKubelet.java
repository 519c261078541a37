package dev.beluga.apiserver.kubelet;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stand-in kubelet for upgrade requests: TLS on 127.0.0.1 with a serving certificate of the given CA, client
 * certificates wanted; one thread per connection, raw HTTP/1.1. It records each request head (with the client
 * certificate's subject in {@link #clients}) and answers by the pod segment of the path ({@code /exec/<ns>/<pod>/…}):
 * <ul>
 *   <li>{@code gone}: 500 {@code container not found ("app")} as text with a length;</li>
 *   <li>{@code forbid}: 403 without body (a runtime refusing a WebSocket subprotocol);</li>
 *   <li>{@code plain}: 200;</li>
 *   <li>anything else: 101 with SPDY headers, then every byte back until the client closes ({@link #echoEnded}).</li>
 * </ul>
 */
final class FakeUpgradeKubelet implements AutoCloseable {
    private final SSLServerSocket server;
    final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    final BlockingQueue<String> clients = new LinkedBlockingQueue<>();
    final CountDownLatch echoEnded = new CountDownLatch(1);

    FakeUpgradeKubelet(CertificateAuthority ca, List<X509Certificate> clientCas) throws Exception {
        IssuedCertificate serving = ca.issueServing("fake-kubelet", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()), Duration.ofHours(1));
        char[] pw = "pw".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serving.toKeyStore(pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(KeyStores.trustStore(clientCas));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setWantClientAuth(true);
        Thread.ofVirtual().name("fake-upgrade-kubelet").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            try {
                clients.add(((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName());
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                clients.add("none");
            }
            heads.add(head);
            String[] segments = head.substring(0, head.indexOf(' ', head.indexOf(' ') + 1)).split("/");
            String pod = segments.length > 3 ? segments[3].replaceFirst("\\?.*", "") : "";
            switch (pod) {
                case "gone" -> out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Length: 27\r\n\r\ncontainer not found (\"app\")").getBytes(StandardCharsets.ISO_8859_1));
                case "forbid" -> out.write("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                case "plain" -> out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                default -> {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                        + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    byte[] buf = new byte[8192];
                    try {
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } finally {
                        echoEnded.countDown();
                    }
                }
            }
            out.flush();
        } catch (IOException e) {
            // the API server closed the connection
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("EOF in request head");
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
