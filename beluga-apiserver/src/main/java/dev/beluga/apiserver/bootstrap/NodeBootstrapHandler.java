package dev.beluga.apiserver.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.http.ApiHandler;
import dev.beluga.apiserver.http.Exchange;
import dev.beluga.apiserver.registry.Names;
import dev.beluga.apiserver.registry.ResourceRegistry;
import dev.beluga.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The node join endpoints, served on the API server's port outside {@code /api} and {@code /apis}, without Kubernetes
 * authentication (as k3s serves its {@code /cacerts} and {@code /v1-k3s/...}):
 *
 * <ul>
 *   <li>{@code GET /cacerts}: the cluster CA bundle in PEM, to anyone. A joining agent fetches it without trusting the
 *       server yet and checks it against the hash in its token.</li>
 *   <li>{@code POST /v1-beluga/node-credentials}: HTTP basic authentication with the token's {@code user:secret}; a JSON
 *       body {@code {nodeName, nodePassword, clientCertificateRequest, servingCertificateRequest, addresses}} with two
 *       PKCS#10 requests in PEM (the agent keeps its private keys: only public keys and proofs of possession travel).
 *       Answer: {@code {clientCertificate, servingCertificate, certificateAuthority}} in PEM — the client certificate
 *       {@code CN=system:node:<name>, O=system:nodes} (clientAuth) for the agent's API requests, and the kubelet serving
 *       certificate {@code CN=system:node:<name>, O=system:nodes} (serverAuth) for the node name, the given addresses
 *       and 127.0.0.1, which the API server's kubelet client verifies.</li>
 * </ul>
 *
 * Errors are Kubernetes {@code Status} objects: 401 for missing or wrong credentials, 400 for malformed requests, 403
 * when the node name belongs to another node password ({@link NodePasswords}), 429 (with {@code Retry-After}) after
 * {@link #FAILURE_LIMIT} failed authentications from one address within {@link #FAILURE_WINDOW}. Failures are logged
 * with the client's address (never with the credentials). Thread-safe.
 */
public final class NodeBootstrapHandler implements ApiHandler.PublicHandler {
    private static final Logger log = LoggerFactory.getLogger(NodeBootstrapHandler.class);
    /** Where the CA bundle is served. */
    public static final String CACERTS_PATH = "/cacerts";
    /** Where agents ask for their certificates. */
    public static final String CREDENTIALS_PATH = "/v1-beluga/node-credentials";
    /** The group of node identities (the O of their certificates), as upstream names it. */
    public static final String NODES_GROUP = "system:nodes";
    /** The prefix of node user names. */
    public static final String NODE_USER_PREFIX = "system:node:";
    static final int FAILURE_LIMIT = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    private static final int MAX_ADDRESSES = 16;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private final NodeBootstrap config;
    private final NodePasswords passwords;
    private final FailedAttempts failures;

    public NodeBootstrapHandler(NodeBootstrap config, ResourceRegistry registry, InstantSource clock) {
        this.config = config;
        this.passwords = new NodePasswords(registry.get("", "v1", "secrets"), registry.get("", "v1", "nodes"), clock);
        this.failures = new FailedAttempts(FAILURE_LIMIT, FAILURE_WINDOW, clock);
    }

    @Override
    public boolean handle(Exchange ex) {
        switch (ex.path()) {
            case CACERTS_PATH -> {
                if (!ex.method().equals("GET") && !ex.method().equals("HEAD"))
                    throw StatusException.methodNotAllowed(ex.method() + " is not supported on " + CACERTS_PATH);
                ex.send(200, "text/plain; charset=utf-8", config.caBundlePem());
                return true;
            }
            case CREDENTIALS_PATH -> {
                if (!ex.method().equals("POST")) throw StatusException.methodNotAllowed(ex.method() + " is not supported on " + CREDENTIALS_PATH);
                credentials(ex);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void credentials(Exchange ex) {
        String client = clientAddress(ex);
        // read the body whatever the answer: an HTTP/2 stream answered before its body was read is reset, and clients
        // then report the reset instead of the answer
        byte[] body = ex.body();
        long wait = failures.retryAfterSeconds(client);
        if (wait > 0) {
            log.warn("node credentials refused for {}: too many failed attempts, {} s to wait", client, wait);
            throw new StatusException(429, "TooManyRequests", "too many failed authentication attempts from " + client
                + "; try again in " + wait + " s", null, null, null, null, (int) wait);
        }
        String problem = checkCredentials(ex.header("Authorization"));
        if (problem != null) {
            failures.failed(client);
            log.warn("node credentials refused for {}: {}", client, problem);
            ex.response().getHeaders().put("WWW-Authenticate", "Basic realm=\"beluga\"");
            throw StatusException.unauthorized();
        }
        failures.succeeded(client);
        ObjectNode request = parse(body);
        String node = requiredText(request, "nodeName");
        String invalid = Names.checkSubdomain(node);
        if (invalid != null) throw StatusException.badRequest("nodeName \"" + node + "\": " + invalid);
        String password = requiredText(request, "nodePassword");
        if (password.length() < 16 || password.length() > 256 || !password.chars().allMatch(c -> c > ' ' && c < 0x7f))
            throw StatusException.badRequest("nodePassword must be 16 to 256 printable ASCII characters without white space");
        List<InetAddress> addresses = addresses(request.get("addresses"));
        byte[] clientCsr = requiredText(request, "clientCertificateRequest").getBytes(StandardCharsets.US_ASCII);
        byte[] servingCsr = requiredText(request, "servingCertificateRequest").getBytes(StandardCharsets.US_ASCII);
        X509Certificate clientCert;
        X509Certificate servingCert;
        List<InetAddress> servingIps = new ArrayList<>();
        servingIps.add(InetAddress.getLoopbackAddress());
        for (InetAddress a : addresses) if (!servingIps.contains(a)) servingIps.add(a);
        try {
            clientCert = config.ca().signClientCsr(clientCsr, NODE_USER_PREFIX + node, List.of(NODES_GROUP), config.validity());
        } catch (IllegalArgumentException e) {
            throw StatusException.badRequest("clientCertificateRequest: " + e.getMessage());
        }
        try {
            servingCert = config.ca().signServingCsr(servingCsr, NODE_USER_PREFIX + node, List.of(NODES_GROUP), List.of(node),
                servingIps, config.validity());
        } catch (IllegalArgumentException e) {
            throw StatusException.badRequest("servingCertificateRequest: " + e.getMessage());
        }
        passwords.verifyOrRecord(node, password);
        String ca = new String(config.caBundlePem(), StandardCharsets.US_ASCII);
        ObjectNode answer = Json.object().put("apiVersion", "v1-beluga").put("kind", "NodeCredentials").put("nodeName", node);
        answer.put("clientCertificate", Pem.encodeCertificate(clientCert) + ca);
        answer.put("servingCertificate", Pem.encodeCertificate(servingCert) + ca);
        answer.put("certificateAuthority", ca);
        log.info("issued the client and kubelet serving certificates of node {} (addresses {}) to {}, valid until {}", node,
            addresses.stream().map(InetAddress::getHostAddress).toList(), client, clientCert.getNotAfter().toInstant());
        ex.sendJson(200, answer);
    }

    /** Null when {@code authorization} holds the token's basic credentials, else why not (without the secret). */
    private String checkCredentials(String authorization) {
        if (authorization == null) return "no credentials";
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) return "not basic authentication";
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "malformed basic credentials";
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return "malformed basic credentials";
        String user = decoded.substring(0, colon);
        if (!config.token().accepts(user, decoded.substring(colon + 1))) {
            return user.equals(config.token().user()) ? "wrong token secret" : "wrong token user";
        }
        return null;
    }

    private static ObjectNode parse(byte[] body) {
        JsonNode n;
        try {
            n = Json.parse(body);
        } catch (IOException e) {
            throw StatusException.badRequest("the request body is not JSON: " + e.getMessage());
        }
        if (!(n instanceof ObjectNode o)) throw StatusException.badRequest("the request body must be a JSON object");
        return o;
    }

    private static String requiredText(ObjectNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) throw StatusException.badRequest(field + " is required");
        if (!v.isTextual() || v.asText().isEmpty()) throw StatusException.badRequest(field + " must be a non-empty string");
        return v.asText();
    }

    private static List<InetAddress> addresses(JsonNode list) {
        List<InetAddress> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) throw StatusException.badRequest("addresses must be a list of IP addresses");
        if (list.size() > MAX_ADDRESSES) throw StatusException.badRequest("at most " + MAX_ADDRESSES + " addresses");
        for (JsonNode a : list) {
            InetAddress ip = a.isTextual() ? ipLiteral(a.asText()) : null;
            if (ip == null) throw StatusException.badRequest("addresses: \"" + a.asText() + "\" is not an IP address");
            if (!out.contains(ip)) out.add(ip);
        }
        return out;
    }

    /** The address of an IPv4 or IPv6 literal, or null (never a name lookup). */
    static InetAddress ipLiteral(String s) {
        boolean v4 = IPV4.matcher(s).matches();
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) return null;
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String clientAddress(Exchange ex) {
        SocketAddress remote = ex.request().getConnectionMetaData().getRemoteSocketAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) return inet.getAddress().getHostAddress();
        return String.valueOf(remote);
    }
}
