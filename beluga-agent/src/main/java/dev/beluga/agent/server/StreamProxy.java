package dev.beluga.agent.server;

import dev.beluga.http.UpgradedConnection;
import dev.beluga.http.ResponseHead;
import dev.beluga.http.Splice;
import dev.beluga.http.UpgradeRequests;
import dev.beluga.http.WebSocket;
import dev.beluga.http.WebSocketHandshake;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.FutureCallback;
import dev.beluga.http.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Passes an HTTP/1.1 upgrade request (exec, attach, port-forward) through to the runtime's stream server, as the
 * kubelet's {@code proxyStream} does with upstream's {@code UpgradeAwareHandler}:
 *
 * <ol>
 *   <li>a request that is not an upgrade ({@code Connection} without {@code upgrade}, or not HTTP/1.1): 500
 *       {@code Upgrade request required};</li>
 *   <li>the connection ({@link StreamDialer}): 500 {@code error dialing backend: dial tcp …: connect: connection
 *       refused};</li>
 *   <li>the request is sent with the one-time URL's path and query, {@code Host} set to it, every header of the
 *       client's request (the protocol negotiation: {@code Upgrade}, {@code Connection},
 *       {@code X-Stream-Protocol-Version}, {@code Sec-WebSocket-*}) except the body framing, and
 *       {@code X-Forwarded-For} with the client's address appended; no body;</li>
 *   <li>the runtime's answer (within {@link #ANSWER_TIMEOUT} where the link supports read timeouts):
 *       {@code 101} — its status and header fields (the negotiated protocol among them) are
 *       sent to the client, the connection is taken over ({@link UpgradedConnection}) and bytes are copied both ways
 *       ({@link Splice}) until either side closes; 400 and above — relayed (status, header fields, body), as
 *       upstream relays the raw answer; anything else: 500 {@code invalid upgrade response: status code N}.</li>
 * </ol>
 * The error bodies end with a newline, as Go's {@code http.Error} writes them. Thread-safe; {@link #proxy} returns
 * once the 101 is written, the copying goes on in the background and ends with either connection.
 *
 * <p>{@link #translate} is the other way, for the WebSocket protocols the runtime does not speak: the same steps with
 * a SPDY request to the runtime, then the kubelet answers the client's WebSocket handshake itself and a
 * {@link WebSocketBridge} runs the session.
 */
final class StreamProxy {
    private static final Logger log = LoggerFactory.getLogger(StreamProxy.class);
    /** How long the upgraded connection may stay silent: upstream's streaming-connection-idle-timeout default. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    /** How long the runtime may take to answer the upgrade request (containerd answers at once). */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(1);
    /** How long Jetty may take to install the upgraded connection once the 101 has been written. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    /** Request fields not forwarded: the body framing (there is no body) and what is set anew. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "transfer-encoding", "x-forwarded-for");
    /** Request fields not forwarded when the kubelet answers the WebSocket itself: the WebSocket and upgrade fields. */
    private static final Set<String> NOT_TRANSLATED = Set.of("connection", "upgrade", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-protocol", "sec-websocket-extensions", "x-stream-protocol-version");
    /** Response fields not relayed with a 101 or an error: the body framing, which Jetty sets itself. */
    private static final Set<String> NOT_RELAYED = Set.of("content-length", "transfer-encoding");

    private final StreamDialer dialer;

    StreamProxy(StreamDialer dialer) {
        this.dialer = dialer;
    }

    /**
     * Proxies the request to {@code target} (an {@code http://} URL of the stream server).
     *
     * @throws KubeletError before anything was written: not an upgrade, or the runtime could not be reached
     */
    void proxy(Request request, Response response, URI target) throws Exception {
        if (!UpgradeRequests.isUpgrade(request)) throw new KubeletError(500, "Upgrade request required\n");
        Upgraded up = upgrade(request, response, target, requestHead(request, target, request.getMethod(), Set.of(), List.of()));
        if (up == null) return;
        boolean handedOver = false;
        try {
            switchProtocols(request, response, up.head(), up.link(), up.fromRuntime());
            handedOver = true;
        } finally {
            if (!handedOver) up.link().close();
        }
    }

    /**
     * Answers the client's WebSocket upgrade itself and speaks SPDY/3.1 to the runtime, {@code bridge} translating
     * between the two: the runtime gets {@code POST} with {@code Upgrade: SPDY/3.1} and the bridge's
     * {@code X-Stream-Protocol-Version}s instead of the WebSocket fields (the other fields as {@link #proxy} forwards
     * them); its errors are relayed as {@link #proxy} relays them; after its 101 the bridge prepares the session
     * ({@link WebSocketBridge#open}, which may still refuse with a {@link KubeletError}), then the client gets its 101
     * with {@code Sec-WebSocket-Accept} and the bridge's subprotocol, and the bridge runs the session on the taken-over
     * connection.
     *
     * @throws KubeletError before anything was written: not a WebSocket handshake (400, gorilla/websocket's words), or
     *                      as {@link #proxy}
     */
    void translate(Request request, Response response, URI target, WebSocketBridge bridge) throws Exception {
        if (!UpgradeRequests.isUpgrade(request)) throw new KubeletError(500, "Upgrade request required\n");
        String problem = WebSocketHandshake.problem(request);
        if (problem != null) throw new KubeletError(400, problem + "\n");
        List<Map.Entry<String, String>> spdy = new ArrayList<>(List.of(Map.entry("Connection", "Upgrade"), Map.entry("Upgrade", "SPDY/3.1")));
        for (String p : bridge.runtimeProtocols()) spdy.add(Map.entry("X-Stream-Protocol-Version", p));
        Upgraded up = upgrade(request, response, target, requestHead(request, target, "POST", NOT_TRANSLATED, spdy));
        if (up == null) return;
        WebSocketBridge.Session session = null;
        try {
            session = bridge.open(up.head(), up.link(), up.fromRuntime());
            acceptWebSocket(request, response, session);
        } catch (Exception | Error e) {
            if (session != null) session.abort();
            up.link().close();
            throw e;
        }
    }

    /** The runtime's 101: the connection and its buffered input, which may already hold the upgraded protocol's bytes. */
    private record Upgraded(StreamDialer.Link link, InputStream fromRuntime, ResponseHead head) {
    }

    /**
     * Sends {@code head} to the runtime and reads its answer: the 101 (the caller owns the link), or null once an error
     * answer has been relayed to the client.
     */
    private Upgraded upgrade(Request request, Response response, URI target, byte[] head) throws Exception {
        String host = target.getHost();
        int port = port(target);
        StreamDialer.Link link;
        try {
            link = dialer.dial(host, port);
        } catch (IOException e) {
            throw new KubeletError(500, "error dialing backend: " + dialError(host, port, e) + "\n");
        }
        boolean handedOver = false;
        try {
            InputStream fromRuntime = new BufferedInputStream(link.input());
            ResponseHead answer;
            try {
                OutputStream toRuntime = link.output();
                toRuntime.write(head);
                toRuntime.flush();
            } catch (IOException e) {
                throw new KubeletError(500, "error sending request: " + e.getMessage() + "\n");
            }
            try {
                link.readTimeout(ANSWER_TIMEOUT);
                answer = ResponseHead.read(fromRuntime);
                link.readTimeout(Duration.ZERO);
            } catch (IOException e) {
                throw new KubeletError(500, e.getMessage() + "\n");
            }
            if (answer.status() == 101) {
                handedOver = true;
                return new Upgraded(link, fromRuntime, answer);
            }
            if (answer.status() >= 400) {
                relayError(response, answer, answer.readBody(fromRuntime));
                return null;
            }
            throw new KubeletError(500, "invalid upgrade response: status code " + answer.status() + "\n");
        } finally {
            if (!handedOver) link.close();
        }
    }

    private static int port(URI target) {
        return target.getPort() < 0 ? 80 : target.getPort();
    }

    /**
     * The request head for the runtime: {@code method}, the one-time URL's path and query, its {@code Host}, the
     * client's fields but the body framing, {@code X-Forwarded-For} and {@code dropped}, then {@code added}, then
     * {@code X-Forwarded-For} with the client's address appended.
     */
    private static byte[] requestHead(Request request, URI target, String method, Set<String> dropped,
                                      List<Map.Entry<String, String>> added) {
        String host = target.getHost();
        StringBuilder sb = new StringBuilder();
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        sb.append(method).append(' ').append(path);
        if (target.getRawQuery() != null) sb.append('?').append(target.getRawQuery());
        sb.append(" HTTP/1.1\r\nHost: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port(target)).append("\r\n");
        String forwardedFor = null;
        for (var field : request.getHeaders()) {
            if (field.getHeader() == HttpHeader.X_FORWARDED_FOR) forwardedFor = forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
            if (NOT_FORWARDED.contains(field.getLowerCaseName()) || dropped.contains(field.getLowerCaseName())) continue;
            sb.append(field.getName()).append(": ").append(field.getValue()).append("\r\n");
        }
        for (Map.Entry<String, String> f : added) sb.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n");
        String client = clientIp(request);
        if (client != null) sb.append("X-Forwarded-For: ").append(forwardedFor == null ? client : forwardedFor + ", " + client).append("\r\n");
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String clientIp(Request request) {
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress() : null;
    }

    private static void switchProtocols(Request request, Response response, ResponseHead head, StreamDialer.Link link,
                                         InputStream fromRuntime) throws Exception {
        List<Map.Entry<String, String>> fields = head.headers().stream()
            .filter(h -> !NOT_RELAYED.contains(h.getKey().toLowerCase(Locale.ROOT))).toList();
        OutputStream toRuntime = link.output();
        UpgradedConnection client = answer101(request, response, fields);
        whenOpened(client, () -> closeQuietly(link),
            () -> Splice.start("stream", client.input(), client.output(), client, fromRuntime, toRuntime, link));
    }

    private static void acceptWebSocket(Request request, Response response, WebSocketBridge.Session session) throws Exception {
        UpgradedConnection client = answer101(request, response, WebSocketHandshake.acceptFields(request, session.subprotocol()));
        whenOpened(client, session::abort,
            () -> session.run(new WebSocket(new BufferedInputStream(client.input()), client.output()), client));
    }

    /** Writes a 101 with {@code fields} and has Jetty hand the connection over once the request completes. */
    private static UpgradedConnection answer101(Request request, Response response, List<Map.Entry<String, String>> fields) throws IOException {
        UpgradedConnection client = new UpgradedConnection(request.getConnectionMetaData().getConnection().getEndPoint(),
            request.getConnectionMetaData().getConnector().getExecutor(), IDLE_TIMEOUT);
        response.setStatus(101);
        for (Map.Entry<String, String> h : fields) response.getHeaders().add(h.getKey(), h.getValue());
        request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, client);
        FutureCallback written = new FutureCallback();
        response.write(true, null, written);
        Futures.await(written);
        return client;
    }

    /** Runs {@code opened} on a virtual thread once Jetty has installed the connection, else {@code failed}. */
    private static void whenOpened(UpgradedConnection client, Runnable failed, Runnable opened) {
        Thread.ofVirtual().name("stream-open").start(() -> {
            try {
                client.opened().get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                log.debug("upgraded connection not opened ({}); closing the runtime's stream", e.toString());
                failed.run();
                client.close();
                return;
            }
            opened.run();
        });
    }

    private static void relayError(Response response, ResponseHead head, byte[] body) throws IOException {
        response.setStatus(head.status());
        for (Map.Entry<String, String> h : head.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (NOT_RELAYED.contains(name) || name.equals("connection") || name.equals("upgrade")) continue;
            response.getHeaders().add(h.getKey(), h.getValue());
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        FutureCallback written = new FutureCallback();
        response.write(true, ByteBuffer.wrap(body), written);
        Futures.await(written);
    }

    /** Go's wording of the usual dial failures, else Java's message. */
    static String dialError(String host, int port, IOException e) {
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        if (e instanceof ConnectException) return "dial tcp " + address + ": connect: connection refused";
        if (e instanceof SocketTimeoutException) return "dial tcp " + address + ": i/o timeout";
        return "dial tcp " + address + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
    }

    private static void closeQuietly(StreamDialer.Link link) {
        try {
            link.close();
        } catch (IOException e) {
            log.debug("closing the runtime's stream: {}", e.toString());
        }
    }
}
