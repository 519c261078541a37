package dev.beluga.apiserver.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.StatusException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a node's kubelet listens (upstream {@code NodeConnectionInfoGetter}): the first address of
 * {@link #PREFERRED_TYPES} in {@code status.addresses} (k3s's {@code --kubelet-preferred-address-types}; upstream's
 * default prefers Hostname), and {@code status.daemonEndpoints.kubeletEndpoint.Port}, or {@value #DEFAULT_PORT}.
 * Immutable.
 *
 * @param host an IP address or host name
 * @param port the kubelet port
 */
public record KubeletAddress(String host, int port) {
    static final List<String> PREFERRED_TYPES = List.of("InternalIP", "ExternalIP", "Hostname");
    static final int DEFAULT_PORT = 10250;

    /**
     * The address of {@code node}.
     *
     * @throws StatusException 500 {@code no preferred addresses found; known addresses: [...]} (as upstream, which
     *                         returns a plain error, so the Status has no reason)
     */
    public static KubeletAddress of(JsonNode node) {
        JsonNode addresses = node.path("status").path("addresses");
        for (String type : PREFERRED_TYPES) {
            for (JsonNode a : addresses) {
                if (type.equals(a.path("type").asText()) && !a.path("address").asText().isEmpty()) {
                    int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
                    return new KubeletAddress(a.path("address").asText(), port > 0 ? port : DEFAULT_PORT);
                }
            }
        }
        List<String> known = new ArrayList<>();
        for (JsonNode a : addresses) known.add("{" + a.path("type").asText() + " " + a.path("address").asText() + "}");
        throw new StatusException(500, "", "no preferred addresses found; known addresses: [" + String.join(" ", known) + "]");
    }

    /** {@code https://host:port/<path>?<query>}, with an IPv6 host in brackets. */
    public URI uri(String path, String query) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("https://" + h + ":" + port + path + (query.isEmpty() ? "" : "?" + query));
    }
}
