package dev.beluga.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The server side of the RFC 6455 opening handshake, for a handler that answers a WebSocket upgrade itself (then
 * speaks {@link WebSocket} over the {@link UpgradedConnection}). Stateless; thread-safe.
 */
public final class WebSocketHandshake {
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {
    }

    /** Whether the request asks for a WebSocket over HTTP/1.1 ({@code Upgrade: websocket}, {@code Connection: upgrade}). */
    public static boolean isWebSocket(Request request) {
        return "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE)) && UpgradeRequests.isUpgrade(request);
    }

    /** The subprotocols the client offers ({@code Sec-WebSocket-Protocol}, every field, comma-separated), in its order. */
    public static List<String> offeredProtocols(Request request) {
        List<String> offered = new ArrayList<>();
        for (String value : request.getHeaders().getValuesList(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL))
            for (String p : value.split(",")) if (!p.isBlank()) offered.add(p.trim());
        return offered;
    }

    /**
     * Why the request cannot be accepted as a WebSocket, in gorilla/websocket's words (what kubectl's own servers
     * answer with 400), or null when it can.
     */
    public static String problem(Request request) {
        String version = request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_VERSION);
        if (version == null || !version.trim().equals("13"))
            return "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header";
        String key = request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()) return "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header is missing or blank";
        return null;
    }

    /** {@code Sec-WebSocket-Accept} for the client's {@code Sec-WebSocket-Key}. */
    public static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + KEY_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }

    /**
     * The header fields of the 101 that accepts {@code request} (which {@link #problem} passed).
     *
     * @param protocol the chosen subprotocol, or null for none
     */
    public static List<Map.Entry<String, String>> acceptFields(Request request, String protocol) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(List.of(Map.entry("Upgrade", "websocket"),
            Map.entry("Connection", "Upgrade"),
            Map.entry("Sec-WebSocket-Accept", acceptKey(request.getHeaders().get(HttpHeader.SEC_WEBSOCKET_KEY)))));
        if (protocol != null) fields.add(Map.entry("Sec-WebSocket-Protocol", protocol));
        return fields;
    }
}
