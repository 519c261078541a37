package dev.beluga.agent.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ports of the kubelet's {@code /portForward} (upstream {@code portforward.NewV4Options}). Only a WebSocket
 * request needs them in the query ({@code port=80,8080} or repeated {@code port}): its channels are fixed when the
 * connection opens. A SPDY client names the port of each stream in the stream's headers, so for it the query is
 * ignored and the list is empty. Stateless.
 */
final class PortForwardQuery {
    private PortForwardQuery() {
    }

    /**
     * The ports asked for.
     *
     * @param webSocket whether the request is a WebSocket upgrade ({@code Upgrade: websocket})
     * @throws KubeletError 400 {@code query parameter "port" is required}, {@code ... cannot be empty},
     *                      {@code unable to parse "x" as a port: strconv.ParseUint: ...}, {@code port "0" must be > 0}
     */
    static List<Integer> parse(Map<String, List<String>> query, boolean webSocket) {
        if (!webSocket) return List.of();
        List<String> values = query.get("port");
        if (values == null || values.isEmpty()) throw new KubeletError(400, "query parameter \"port\" is required");
        List<Integer> ports = new ArrayList<>();
        for (String value : values) {
            if (value.isEmpty()) throw new KubeletError(400, "query parameter \"port\" cannot be empty");
            for (String p : value.split(",", -1)) {
                int port = parseUint16(value, p);
                if (port < 1) throw new KubeletError(400, "port \"" + value + "\" must be > 0");
                ports.add(port);
            }
        }
        return List.copyOf(ports);
    }

    /** Go's {@code strconv.ParseUint(p, 10, 16)}, with its error text. */
    private static int parseUint16(String whole, String p) {
        String error;
        if (p.isEmpty() || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            error = "invalid syntax";
        } else if (p.length() > 5 || Integer.parseInt(p) > 65535) {
            error = "value out of range";
        } else {
            return Integer.parseInt(p);
        }
        throw new KubeletError(400, "unable to parse \"" + whole + "\" as a port: strconv.ParseUint: parsing \"" + p + "\": " + error);
    }
}
