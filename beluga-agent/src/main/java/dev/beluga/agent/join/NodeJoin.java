package dev.beluga.agent.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.IssuedCertificate;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.NodeToken;
import dev.beluga.pki.Pem;
import dev.beluga.pki.SecureFiles;
import dev.beluga.pki.TlsTrust;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins a node to a cluster with a token, as a k3s agent does ({@code beluga agent --server URL --token T}):
 *
 * <ol>
 *   <li>Fetches the CA bundle from {@code <server>/cacerts} over TLS without verifying the server (nothing is sent but
 *       the request), and compares its SHA-256 with the token's hash; a mismatch ends the join before anything is
 *       sent or written.</li>
 *   <li>From then on trusts only that CA, with host name verification: the server's certificate must chain to it and
 *       name the host of the URL.</li>
 *   <li>Makes two EC P-256 keys on the node and sends certificate requests for them (the keys never leave the node),
 *       with the node name, its addresses and the node password, authenticated by the token's {@code user:secret}
 *       ({@code POST /v1-beluga/node-credentials}); the server answers with the client certificate
 *       ({@code system:node:<name>}) and the kubelet serving certificate.</li>
 *   <li>Writes them ({@link NodeCredentials}) and the kubeconfig to the data directory.</li>
 * </ol>
 *
 * Later starts reuse the stored credentials while they fit (same node name and addresses, the token's CA, more than
 * {@link NodeCredentials#EXPIRY_MARGIN} left: certificates still valid are renewed by the agent's certificate managers
 * through CertificateSigningRequests, see {@code dev.beluga.agent.certificates}) and join again otherwise — an expired
 * client certificate cannot authenticate, so the token is the fallback, as a kubelet's bootstrap kubeconfig is. The node password ({@value #PASSWORD_FILE}, 0600,
 * made at the first join) stays: the server binds the node name to it.
 */
public final class NodeJoin {
    private static final Logger log = LoggerFactory.getLogger(NodeJoin.class);
    /** The node password's file name in the data directory. */
    public static final String PASSWORD_FILE = "node-password";
    static final String CACERTS_PATH = "/cacerts";
    static final String CREDENTIALS_PATH = "/v1-beluga/node-credentials";
    private static final int MAX_RESPONSE = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What a join needs.
     *
     * @param server    the API server's URL, {@code https://host:port}
     * @param token     the join token; may be null when the stored credentials are still good
     * @param nodeName  the node's name
     * @param addresses the node's addresses for the kubelet serving certificate
     * @param dataDir   the agent's data directory
     */
    public record Request(String server, NodeToken token, String nodeName, List<InetAddress> addresses, Path dataDir) {
        public Request {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(nodeName, "nodeName");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(dataDir, "dataDir");
        }
    }

    private NodeJoin() {
    }

    /**
     * The node's credentials: the stored ones when they fit, else new ones from the server (written to the data
     * directory). The kubeconfig is (re)written for {@code request.server()} either way.
     *
     * @throws JoinException with a message for the user: no token when one is needed, an unreachable server, a CA
     *                       that does not match the token, a refused token, a server certificate that does not name
     *                       the host, ...
     * @throws IOException   when the data directory cannot be written
     */
    public static NodeCredentials credentials(Request request, Clock clock) throws JoinException, IOException {
        URI base = checkServer(request.server());
        Optional<NodeCredentials> stored = NodeCredentials.load(request.dataDir());
        Optional<String> problem = stored.isEmpty() ? Optional.of("none yet")
            : stored.get().problem(request.nodeName(), request.addresses(), request.token(), clock.instant());
        if (problem.isEmpty()) {
            stored.get().writeKubeconfig(request.dataDir(), request.server());
            log.info("reusing the node credentials in {} ({}, until {})", request.dataDir(),
                stored.get().client().certificate().getSubjectX500Principal().getName(),
                stored.get().client().certificate().getNotAfter().toInstant());
            return stored.get();
        }
        if (request.token() == null)
            throw new JoinException("this node has no usable credentials in " + request.dataDir() + " (" + problem.get()
                + "); give the join token (--token, --token-file or BELUGA_TOKEN) to join the cluster");
        log.info("joining the cluster at {} as node {} (stored credentials: {})", request.server(), request.nodeName(), problem.get());
        NodeCredentials fresh = join(base, request);
        fresh.write(request.dataDir(), request.server());
        log.info("joined: credentials for {} written to {}", NodeCredentials.nodeUser(request.nodeName()), request.dataDir());
        return fresh;
    }

    /** Steps 1–3 of a join; nothing is written. */
    static NodeCredentials join(URI base, Request request) throws JoinException, IOException {
        NodeToken token = request.token();
        byte[] bundle = fetchCaBundle(base);
        String actual = NodeToken.caHash(bundle);
        if (!token.matchesCa(bundle))
            throw new JoinException("the server's CA does not match the token: " + base.resolve(CACERTS_PATH) + " has SHA-256 " + actual
                + ", the token expects " + token.caHash() + " (is the token for this server? `beluga token` on the server prints it)");
        List<X509Certificate> cas;
        try {
            cas = Pem.certificates(bundle);
        } catch (IllegalArgumentException e) {
            throw new JoinException("the server's CA bundle matches the token but holds no certificate: " + e.getMessage());
        }
        if (cas.isEmpty()) throw new JoinException("the server's CA bundle matches the token but holds no certificate");
        SSLContext pinned = TlsTrust.trusting(null, cas);
        String password = nodePassword(request.dataDir());
        KeyPair clientKeys = KeyAlgorithm.EC_P256.generate();
        KeyPair servingKeys = KeyAlgorithm.EC_P256.generate();
        String user = NodeCredentials.nodeUser(request.nodeName());
        ObjectNode body = JSON.createObjectNode().put("apiVersion", "v1-beluga").put("kind", "NodeCredentialsRequest")
            .put("nodeName", request.nodeName()).put("nodePassword", password)
            .put("clientCertificateRequest", CertificateRequests.create(clientKeys, user, List.of("system:nodes")))
            .put("servingCertificateRequest", CertificateRequests.create(servingKeys, user, List.of("system:nodes")));
        var addresses = body.putArray("addresses");
        for (InetAddress a : request.addresses()) addresses.add(a.getHostAddress());
        String basic = Base64.getEncoder().encodeToString((token.user() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8));
        Response r = send(base.resolve(CREDENTIALS_PATH), pinned, "POST", "Basic " + basic, JSON.writeValueAsBytes(body));
        if (r.status() != 200) throw refused(base, r);
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new JoinException("the server's answer to " + CREDENTIALS_PATH + " is not JSON: " + e.getMessage());
        }
        try {
            IssuedCertificate client = issued(answer, "clientCertificate", clientKeys);
            IssuedCertificate serving = issued(answer, "servingCertificate", servingKeys);
            NodeCredentials creds = new NodeCredentials(bundle, cas, client, serving);
            Optional<String> problem = creds.problem(request.nodeName(), request.addresses(), token, java.time.Instant.now());
            if (problem.isPresent()) throw new JoinException("the server's certificates do not fit this node: " + problem.get());
            return creds;
        } catch (IllegalArgumentException e) {
            throw new JoinException("the server's certificates are unusable: " + e.getMessage());
        }
    }

    private static IssuedCertificate issued(JsonNode answer, String field, KeyPair keys) {
        String pem = answer.path(field).asText("");
        if (pem.isEmpty()) throw new IllegalArgumentException("no " + field + " in the answer");
        List<X509Certificate> chain = Pem.certificates(pem);
        if (!chain.getFirst().getPublicKey().equals(keys.getPublic()))
            throw new IllegalArgumentException("the " + field + " is not for the key this node sent");
        return new IssuedCertificate(chain.getFirst(), keys.getPrivate(), chain);
    }

    private static JoinException refused(URI base, Response r) {
        String message = r.statusMessage();
        return switch (r.status()) {
            case 401 -> new JoinException("the server at " + base + " refused the token (401 Unauthorized): its secret is wrong"
                + " (`beluga token` on the server prints the current one)", 401, null);
            case 403 -> new JoinException("the server refused this node (403 Forbidden): " + message, 403, null);
            case 429 -> new JoinException("the server refused this node (429 Too Many Requests): " + message, 429, null);
            default -> new JoinException("the server answered " + r.status() + " to " + CREDENTIALS_PATH + ": " + message, r.status(), null);
        };
    }

    /** The bundle at {@code /cacerts}, fetched without verifying the server. */
    static byte[] fetchCaBundle(URI base) throws JoinException {
        Response r;
        try {
            r = send(base.resolve(CACERTS_PATH), TlsTrust.acceptingAnyServer(null), "GET", null, null);
        } catch (IOException e) {
            throw new JoinException("cannot reach the server at " + base + ": " + e.getMessage(), e);
        }
        if (r.status() != 200)
            throw new JoinException("the server at " + base + " does not serve its CA at " + CACERTS_PATH + " (HTTP " + r.status()
                + "); is it a Beluga server?", r.status(), null);
        return r.body();
    }

    record Response(int status, byte[] body) {
        /** The Status message of a Kubernetes error body, else the body's text. */
        String statusMessage() {
            try {
                JsonNode n = JSON.readTree(body);
                if (n.hasNonNull("message")) return n.get("message").asText();
            } catch (IOException e) {
                // not JSON
            }
            return new String(body, StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * One request over a client of its own (a join makes two): {@code tls} decides whom it trusts, so the JDK's default
     * trust store is never loaded (see {@code TlsTrust}).
     */
    private static Response send(URI uri, SSLContext tls, String method, String authorization, byte[] body)
        throws JoinException, IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) request.header("Content-Type", "application/json");
        if (authorization != null) request.header("Authorization", authorization);
        try (HttpClient http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build()) {
            HttpResponse<InputStream> r = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            return new Response(r.statusCode(), readLimited(r.body()));
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof SSLException ssl) throw new JoinException(tlsProblem(uri, ssl), e);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to " + uri, e);
        }
    }

    private static String tlsProblem(URI uri, SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException ce && ce.getMessage() != null && ce.getMessage().contains("No subject alternative")) {
                return "the server's certificate does not name " + uri.getHost() + " (" + ce.getMessage() + "); start the server with"
                    + " --tls-san " + uri.getHost() + " or join with a name it has";
            }
        }
        return "TLS with the server at " + uri.getScheme() + "://" + uri.getAuthority() + " failed: " + e.getMessage()
            + " (its certificate must be issued by the CA the token names)";
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        try (in) {
            byte[] data = in.readNBytes(MAX_RESPONSE + 1);
            if (data.length > MAX_RESPONSE) throw new IOException("the server's answer is larger than " + MAX_RESPONSE + " bytes");
            return data;
        }
    }

    /** The node password in {@code dir/node-password}, made (random, 0600) at the first join. */
    static String nodePassword(Path dir) throws IOException {
        Path file = dir.resolve(PASSWORD_FILE);
        if (Files.exists(file)) {
            String p = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (p.length() >= 16) return p;
            log.warn("{} holds no usable node password; making a new one (the server refuses it if this node name joined before)", file);
        }
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String p = HexFormat.of().formatHex(bytes);
        SecureFiles.createPrivateDirectories(dir);
        SecureFiles.writeSecret(file, p + "\n");
        return p;
    }

    /** The server URL as a URI ending without a path, or a JoinException saying what is wrong with it. */
    static URI checkServer(String server) throws JoinException {
        try {
            URI uri = new URI(server);
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)
                throw new JoinException("--server must be an https URL with a host, e.g. https://10.0.0.1:6443, not \"" + server + "\"");
            if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                throw new JoinException("--server must not have a path: \"" + server + "\"");
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), "/", null, null);
        } catch (URISyntaxException e) {
            throw new JoinException("--server is not a URL: \"" + server + "\"");
        }
    }
}
