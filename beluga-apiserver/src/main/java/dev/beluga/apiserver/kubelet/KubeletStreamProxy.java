package dev.beluga.apiserver.kubelet;

import dev.beluga.http.UpgradedConnection;
import dev.beluga.http.ResponseHead;
import dev.beluga.http.Splice;
import dev.beluga.http.UpgradeRequests;

import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.Exchange;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.FutureCallback;
import dev.beluga.http.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Passes a client's HTTP/1.1 upgrade request for {@code pods/exec}, {@code pods/attach} or {@code pods/portforward}
 * through to the kubelet, as upstream's {@code UpgradeAwareHandler} does (with {@code upgradeRequired}):
 *
 * <ol>
 *   <li>not an upgrade request ({@code Connection} without {@code upgrade}, or not HTTP/1.1): 400
 *       {@code Upgrade request required};</li>
 *   <li>the kubelet connection ({@link KubeletStreamDialer}): 500 {@code error dialing backend: dial tcp …: connect:
 *       connection refused} (no reason, as upstream's plain errors);</li>
 *   <li>the request is sent to the kubelet URL with every header of the client's request (the protocol negotiation:
 *       {@code Upgrade}, {@code Connection}, {@code X-Stream-Protocol-Version}, {@code Sec-WebSocket-*}) except the
 *       body framing, the client's credentials ({@code Authorization}, {@code Impersonate-*}, which upstream removes
 *       once it has authenticated), and with {@code X-Forwarded-For} extended by the client's address;</li>
 *   <li>the kubelet's answer: {@code 101} — status and header fields (the negotiated protocol) are sent to the
 *       client, the connection is taken over ({@link UpgradedConnection}) and bytes are copied both ways
 *       ({@link Splice}) until either side closes; 400 and above — relayed as it is (status, header fields, body),
 *       as upstream forwards the raw answer, so that clients print the kubelet's or runtime's text
 *       ({@code unable to upgrade connection: container not found ("c")}); anything else — 500
 *       {@code invalid upgrade response: status code N}.</li>
 * </ol>
 * WebSocket requests are passed through too (upstream 1.32 translates {@code v5.channel.k8s.io} and port-forward
 * tunnelling to SPDY instead): the runtime negotiates what it supports, and a refusal reaches the client, which then
 * falls back to SPDY. Thread-safe; {@link #proxy} returns once the 101 is written, the copying goes on in the
 * background.
 */
final class KubeletStreamProxy {
    private static final Logger log = LoggerFactory.getLogger(KubeletStreamProxy.class);
    /** How long an upgraded connection may stay silent (the kubelet's streaming idle timeout default). */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    /** How long the kubelet may take to answer the upgrade request (it asks the runtime first). */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "transfer-encoding", "x-forwarded-for",
        "authorization");
    private static final Set<String> NOT_RELAYED = Set.of("content-length", "transfer-encoding");

    private final KubeletStreamDialer dialer;

    KubeletStreamProxy(KubeletStreamDialer dialer) {
        this.dialer = dialer;
    }

    /**
     * Proxies the exchange to {@code target} on the kubelet at {@code address}.
     *
     * @throws StatusException before anything was written (see the class comment)
     */
    void proxy(Exchange ex, KubeletAddress address, URI target) throws Exception {
        if (!UpgradeRequests.isUpgrade(ex.request())) throw StatusException.badRequest("Upgrade request required");
        SSLSocket kubelet;
        try {
            kubelet = dialer.dial(address);
        } catch (IOException e) {
            throw new StatusException(500, "", "error dialing backend: " + KubeletClient.describe(target, e));
        }
        boolean handedOver = false;
        try {
            InputStream fromKubelet = new BufferedInputStream(kubelet.getInputStream());
            OutputStream toKubelet = kubelet.getOutputStream();
            try {
                toKubelet.write(requestHead(ex.request(), target));
                toKubelet.flush();
            } catch (IOException e) {
                throw new StatusException(500, "", "error sending request: " + e.getMessage());
            }
            ResponseHead head;
            try {
                kubelet.setSoTimeout((int) ANSWER_TIMEOUT.toMillis());
                head = ResponseHead.read(fromKubelet);
                kubelet.setSoTimeout(0);
            } catch (IOException e) {
                throw new StatusException(500, "", e.getMessage());
            }
            if (head.status() == 101) {
                switchProtocols(ex, head, kubelet, fromKubelet, toKubelet);
                handedOver = true;
            } else if (head.status() >= 400) {
                relayError(ex, head, head.readBody(fromKubelet));
            } else {
                throw new StatusException(500, "", "invalid upgrade response: status code " + head.status());
            }
        } finally {
            if (!handedOver) kubelet.close();
        }
    }

    private static byte[] requestHead(Request request, URI target) {
        StringBuilder sb = new StringBuilder();
        sb.append(request.getMethod()).append(' ').append(target.getRawPath());
        if (target.getRawQuery() != null && !target.getRawQuery().isEmpty()) sb.append('?').append(target.getRawQuery());
        sb.append(" HTTP/1.1\r\nHost: ").append(target.getRawAuthority()).append("\r\n");
        String forwardedFor = null;
        for (var field : request.getHeaders()) {
            String name = field.getLowerCaseName();
            if (field.getHeader() == HttpHeader.X_FORWARDED_FOR) forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
            if (NOT_FORWARDED.contains(name) || name.startsWith("impersonate-")) continue;
            sb.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
        }
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress a && a.getAddress() != null) {
            String client = a.getAddress().getHostAddress();
            sb.append("X-Forwarded-For: ").append(forwardedFor == null ? client : forwardedFor + ", " + client).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void switchProtocols(Exchange ex, ResponseHead head, SSLSocket kubelet, InputStream fromKubelet,
                                        OutputStream toKubelet) throws IOException {
        Request request = ex.request();
        Response response = ex.response();
        UpgradedConnection client = new UpgradedConnection(request.getConnectionMetaData().getConnection().getEndPoint(),
            request.getConnectionMetaData().getConnector().getExecutor(), IDLE_TIMEOUT);
        ex.start(101, null); // the status for the request metrics; the 101 carries only the kubelet's fields
        response.getHeaders().remove(HttpHeader.CACHE_CONTROL);
        for (Map.Entry<String, String> h : head.headers())
            if (!NOT_RELAYED.contains(h.getKey().toLowerCase(Locale.ROOT))) response.getHeaders().add(h.getKey(), h.getValue());
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, client);
        FutureCallback written = new FutureCallback();
        response.write(true, null, written);
        Futures.await(written);
        Thread.ofVirtual().name("pod-stream-open").start(() -> {
            try {
                client.opened().get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                log.debug("upgraded connection not opened ({}); closing the kubelet's", e.toString());
                closeQuietly(kubelet);
                client.close();
                return;
            }
            Splice.start("pod-stream", client.input(), client.output(), client, fromKubelet, toKubelet, kubelet);
        });
    }

    private static void relayError(Exchange ex, ResponseHead head, byte[] body) {
        String contentType = null;
        for (Map.Entry<String, String> h : head.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type")) contentType = h.getValue();
            else if (!NOT_RELAYED.contains(name) && !name.equals("connection") && !name.equals("upgrade") && !name.equals("date"))
                ex.response().getHeaders().add(h.getKey(), h.getValue());
        }
        ex.send(head.status(), contentType, body);
    }

    private static void closeQuietly(SSLSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing a kubelet connection: {}", e.toString());
        }
    }
}
