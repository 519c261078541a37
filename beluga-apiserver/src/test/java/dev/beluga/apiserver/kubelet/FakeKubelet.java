package dev.beluga.apiserver.kubelet;

import dev.beluga.pki.CertificateAuthority;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyStores;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in kubelet for the API server's pods/log tests: HTTPS with a serving certificate of a given CA for
 * 127.0.0.1, asks for client certificates, records the last request, and answers by pod name (the second path
 * segment after {@code /containerLogs/<ns>/}):
 * <ul>
 *   <li>{@code err<code>}: that status with body {@code kubelet says <code>};</li>
 *   <li>{@code stream}: {@code a\n}, flushed, then (after {@link #release}) {@code b\n};</li>
 *   <li>{@code quiet...}: {@code hello\n}, flushed, then nothing until the client goes away ({@link #upstreamGone});</li>
 *   <li>anything else: {@code line1\nline2\n}.</li>
 * </ul>
 * {@code GET /metrics/resource} answers {@link #resourceMetrics} (status 200; 500 when it returns null).
 */
public final class FakeKubelet implements AutoCloseable {
    /** The body of {@code /metrics/resource}; null answers 500. */
    public volatile java.util.function.Supplier<String> resourceMetrics = () -> "";
    private final Server server = new Server();
    volatile String lastPath;
    volatile String lastQuery;
    volatile String lastClientCn;
    volatile String lastProtocol;
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch upstreamGone = new CountDownLatch(1);

    public FakeKubelet(CertificateAuthority ca, List<X509Certificate> clientCas) throws Exception {
        IssuedCertificate serving = ca.issueServing("fake-kubelet", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()), Duration.ofHours(1));
        HttpConfiguration http = new HttpConfiguration();
        http.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(serving.toKeyStore("pw".toCharArray()));
        ssl.setKeyStorePassword("pw");
        ssl.setTrustStore(KeyStores.trustStore(clientCas));
        ssl.setWantClientAuth(true);
        ssl.setSniRequired(false);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Thread.ofVirtual().start(() -> serve(request, response, callback));
                return true;
            }
        });
        server.start();
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private void serve(Request request, Response response, Callback callback) {
        try {
            lastPath = request.getHttpURI().getPath();
            lastQuery = request.getHttpURI().getQuery();
            lastProtocol = request.getConnectionMetaData().getProtocol();
            Object ssl = request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
            lastClientCn = ssl instanceof EndPoint.SslSessionData d && d.peerCertificates() != null && d.peerCertificates().length > 0
                ? d.peerCertificates()[0].getSubjectX500Principal().getName() : null;
            String[] segs = lastPath.split("/");
            String pod = segs.length > 3 ? segs[3] : "";
            OutputStream out = Content.Sink.asOutputStream(response);
            if (lastPath.equals("/metrics/resource")) {
                String body = resourceMetrics.get();
                response.setStatus(body == null ? 500 : 200);
                out.write((body == null ? "broken" : body).getBytes(StandardCharsets.UTF_8));
            } else if (pod.startsWith("err")) {
                response.setStatus(Integer.parseInt(pod.substring(3)));
                out.write(("kubelet says " + pod.substring(3)).getBytes(StandardCharsets.UTF_8));
            } else if (pod.equals("stream")) {
                out.write("a\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await(10, TimeUnit.SECONDS);
                out.write("b\n".getBytes(StandardCharsets.UTF_8));
            } else if (pod.startsWith("quiet")) {
                request.addFailureListener(failure -> upstreamGone.countDown());
                out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                // nothing more to say: a real kubelet would keep following; HTTP/1.1 closes show as a failed probe read
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                java.nio.ByteBuffer noRoom = java.nio.ByteBuffer.allocate(0);
                EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
                while (upstreamGone.getCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    if (request.getConnectionMetaData().getHttpVersion().getVersion() < 20
                        && (!endPoint.isOpen() || endPoint.fill(noRoom) < 0)) upstreamGone.countDown();
                }
            } else {
                out.write("line1\nline2\n".getBytes(StandardCharsets.UTF_8));
            }
            out.close();
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        }
    }

    @Override
    public void close() throws Exception {
        release.countDown();
        server.stop();
    }
}
