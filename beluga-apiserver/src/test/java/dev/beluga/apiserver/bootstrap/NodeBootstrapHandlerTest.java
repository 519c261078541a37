package dev.beluga.apiserver.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.ApiServer;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.registry.WriteOptions;
import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.CertificateRequests;
import dev.beluga.pki.ClusterPki;
import dev.beluga.pki.KeyAlgorithm;
import dev.beluga.pki.KeyStores;
import dev.beluga.pki.NodeToken;
import dev.beluga.pki.Pem;
import dev.beluga.pki.SubjectAltNames;
import dev.beluga.pki.X509Identity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The join endpoints on a real API server: the CA bundle for anyone, certificates only for the token's credentials,
 * with the names and usages a node needs; Status errors for everything else.
 */
class NodeBootstrapHandlerTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir
    static Path dir;
    private static Server server;

    /** An API server with the join endpoints, and an HTTP client trusting its CA. */
    record Server(TestServer server, ApiServer api, ClusterPki pki, NodeToken token, HttpClient http) implements AutoCloseable {
        static Server start(Path dir) throws Exception {
            TestServer s = TestServer.withNodeBootstrap(dir, "127.0.0.1", "s3cret-of-the-test");
            return new Server(s, s.api, s.pki, s.token, HttpClient.newBuilder().sslContext(context(s.pki, null, null)).build());
        }

        HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
            if (authorization != null) b.header("Authorization", authorization);
            b.header("Content-Type", "application/json");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        String basic(String user, String secret) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }

        String basic() {
            return basic(token.user(), token.secret());
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    static SSLContext context(ClusterPki pki, KeyPair keys, X509Certificate cert) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(pki.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        KeyManagerFactory kmf = null;
        if (keys != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(KeyStores.keyStore("k", keys.getPrivate(), List.of(cert, pki.caCertificate()), new char[0]), new char[0]);
        }
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @BeforeAll
    static void start() throws Exception {
        server = Server.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** A request body for {@code node} with new keys. */
    record Ask(KeyPair clientKeys, KeyPair servingKeys, ObjectNode body) {
        static Ask of(String node, String password, String... addresses) {
            KeyPair c = KeyAlgorithm.EC_P256.generate();
            KeyPair s = KeyAlgorithm.EC_P256.generate();
            ObjectNode b = Json.object().put("nodeName", node).put("nodePassword", password)
                .put("clientCertificateRequest", CertificateRequests.create(c, "whatever", List.of("system:masters")))
                .put("servingCertificateRequest", CertificateRequests.create(s, "whatever", List.of()));
            var a = b.putArray("addresses");
            for (String x : addresses) a.add(x);
            return new Ask(c, s, b);
        }

        String json() {
            return Json.string(body);
        }
    }

    private static JsonNode status(HttpResponse<String> r, int code, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode s = Json.MAPPER.readTree(r.body());
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("status").asText()).isEqualTo("Failure");
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        assertThat(s.path("code").asInt()).isEqualTo(code);
        return s;
    }

    @Test
    void theCaBundleIsServedToAnyoneByteForByteAsTheTokenHashesIt() throws Exception {
        HttpResponse<byte[]> r = server.http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port() + "/cacerts")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(server.pki.caBundlePem());
        assertThat(NodeToken.caHash(r.body())).isEqualTo(server.token.caHash());
        assertThat(Pem.certificates(r.body())).containsExactly(server.pki.caCertificate());
    }

    @Test
    void theTokenBuysANodeIdentityAndAKubeletServingCertificateForTheKeysSent() throws Exception {
        Ask ask = Ask.of("node-a", "password-of-node-a-0123", "192.0.2.10");
        HttpResponse<String> r = server.send("POST", "/v1-beluga/node-credentials", server.basic(), ask.json());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.path("kind").asText()).isEqualTo("NodeCredentials");
        assertThat(answer.path("certificateAuthority").asText().getBytes(StandardCharsets.US_ASCII)).isEqualTo(server.pki.caBundlePem());

        List<X509Certificate> client = Pem.certificates(answer.path("clientCertificate").asText());
        assertThat(client).hasSize(2);
        assertThat(client.get(1)).isEqualTo(server.pki.caCertificate());
        X509Certificate c = client.getFirst();
        assertThat(server.pki.ca().hasIssued(c)).isTrue();
        assertThat(c.getPublicKey()).isEqualTo(ask.clientKeys().getPublic());
        assertThat(X509Identity.fromCertificate(c)).isEqualTo(new X509Identity("system:node:node-a", List.of("system:nodes")));
        assertThat(c.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(SubjectAltNames.of(c).isEmpty()).isTrue();
        assertThat(c.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(360)));

        X509Certificate s = Pem.certificates(answer.path("servingCertificate").asText()).getFirst();
        assertThat(server.pki.ca().hasIssued(s)).isTrue();
        assertThat(s.getPublicKey()).isEqualTo(ask.servingKeys().getPublic());
        assertThat(X509Identity.fromCertificate(s)).isEqualTo(new X509Identity("system:node:node-a", List.of("system:nodes")));
        assertThat(s.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(SubjectAltNames.of(s)).isEqualTo(SubjectAltNames.of(List.of("node-a"),
            List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("192.0.2.10"))));

        // the API server authenticates the client certificate as the node
        HttpClient asNode = HttpClient.newBuilder().sslContext(context(server.pki, ask.clientKeys(), c)).build();
        HttpResponse<String> who = asNode.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port()
                + "/apis/authentication.k8s.io/v1/selfsubjectreviews")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(who.statusCode()).as(who.body()).isEqualTo(201);
        JsonNode userInfo = Json.MAPPER.readTree(who.body()).path("status").path("userInfo");
        assertThat(userInfo.path("username").asText()).isEqualTo("system:node:node-a");
        assertThat(userInfo.path("groups").toString()).isEqualTo("[\"system:nodes\",\"system:authenticated\"]");

        // the node password is recorded, hashed
        ObjectNode secret = server.api.registry().get("", "v1", "secrets").get("kube-system", "node-a.node-password.beluga", null);
        String hash = new String(Base64.getDecoder().decode(secret.path("data").path("hash").asText()), StandardCharsets.UTF_8);
        assertThat(hash).startsWith("sha256$").doesNotContain("password-of-node-a");
    }

    @Test
    void wrongOrMissingCredentialsAre401WithAStatus() throws Exception {
        String body = Ask.of("node-b", "password-of-node-b-0123").json();
        HttpResponse<String> wrong = server.send("POST", "/v1-beluga/node-credentials", server.basic("node", "guess"), body);
        status(wrong, 401, "Unauthorized");
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"beluga\"");
        status(server.send("POST", "/v1-beluga/node-credentials", server.basic("server", server.token.secret()), body), 401, "Unauthorized");
        status(server.send("POST", "/v1-beluga/node-credentials", null, body), 401, "Unauthorized");
        status(server.send("POST", "/v1-beluga/node-credentials", "Basic !!!", body), 401, "Unauthorized");
        status(server.send("POST", "/v1-beluga/node-credentials", "Bearer " + server.token.secret(), body), 401, "Unauthorized");
        assertThatThrownBy(() -> server.api.registry().get("", "v1", "secrets").get("kube-system", "node-b.node-password.beluga", null))
            .isInstanceOf(StatusException.class);
    }

    @Test
    void malformedRequestsAre400WithAStatusAndChangeNothing() throws Exception {
        String auth = server.basic();
        String path = "/v1-beluga/node-credentials";
        status(server.send("POST", path, auth, "not json"), 400, "BadRequest");
        status(server.send("POST", path, auth, "[]"), 400, "BadRequest");
        ObjectNode noName = Ask.of("node-c", "password-of-node-c-0123").body();
        noName.remove("nodeName");
        assertThat(status(server.send("POST", path, auth, Json.string(noName)), 400, "BadRequest").path("message").asText())
            .contains("nodeName");
        assertThat(status(server.send("POST", path, auth, Ask.of("Node_C", "password-of-node-c-0123").json()), 400, "BadRequest")
            .path("message").asText()).contains("RFC 1123");
        assertThat(status(server.send("POST", path, auth, Ask.of("node-c", "short").json()), 400, "BadRequest")
            .path("message").asText()).contains("nodePassword");
        assertThat(status(server.send("POST", path, auth, Ask.of("node-c", "password-of-node-c-0123", "example.com").json()), 400,
            "BadRequest").path("message").asText()).contains("not an IP address");
        ObjectNode badCsr = Ask.of("node-c", "password-of-node-c-0123").body().put("clientCertificateRequest", "-----BEGIN JUNK-----");
        assertThat(status(server.send("POST", path, auth, Json.string(badCsr)), 400, "BadRequest").path("message").asText())
            .startsWith("clientCertificateRequest");
        ObjectNode certNotCsr = Ask.of("node-c", "password-of-node-c-0123").body()
            .put("servingCertificateRequest", Pem.encodeCertificate(server.pki.caCertificate()));
        assertThat(status(server.send("POST", path, auth, Json.string(certNotCsr)), 400, "BadRequest").path("message").asText())
            .startsWith("servingCertificateRequest");
        status(server.send("GET", path, auth, null), 405, "MethodNotAllowed");
        assertThatThrownBy(() -> server.api.registry().get("", "v1", "secrets").get("kube-system", "node-c.node-password.beluga", null))
            .isInstanceOf(StatusException.class);
    }

    @Test
    void aNodeNameStaysWithTheNodePasswordThatClaimedItFirst() throws Exception {
        String path = "/v1-beluga/node-credentials";
        assertThat(server.send("POST", path, server.basic(), Ask.of("node-d", "password-of-node-d-0123").json()).statusCode()).isEqualTo(200);
        assertThat(status(server.send("POST", path, server.basic(), Ask.of("node-d", "password-of-an-impostor").json()), 403, "Forbidden")
            .path("message").asText()).contains("node-d").contains("another node password");
        assertThat(server.send("POST", path, server.basic(), Ask.of("node-d", "password-of-node-d-0123").json()).statusCode()).isEqualTo(200);
    }

    @Test
    void theNamesPasswordIsReleasedWhenItsNodeIsGoneForAWhile() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(Instant.now());
        var registry = server.api.registry();
        NodePasswords passwords = new NodePasswords(registry.get("", "v1", "secrets"), registry.get("", "v1", "nodes"), now::get);
        passwords.verifyOrRecord("node-e", "first-password-0123");
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "node-e");
        registry.get("", "v1", "nodes").create(null, node, new WriteOptions(false, "test", "Ignore", null));
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> passwords.verifyOrRecord("node-e", "second-password-0123"))
            .isInstanceOf(StatusException.class).extracting(e -> ((StatusException) e).code()).isEqualTo(403);
        registry.get("", "v1", "nodes").delete(null, "node-e", dev.beluga.apiserver.registry.DeleteOptions.defaults());
        now.set(Instant.now().plus(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> passwords.verifyOrRecord("node-e", "second-password-0123")).isInstanceOf(StatusException.class);
        now.set(Instant.now().plus(NodePasswords.RELEASE_AFTER).plusSeconds(5));
        passwords.verifyOrRecord("node-e", "second-password-0123");
        passwords.verifyOrRecord("node-e", "second-password-0123");
        assertThatThrownBy(() -> passwords.verifyOrRecord("node-e", "first-password-0123")).isInstanceOf(StatusException.class);
    }

    @Test
    void repeatedFailuresFromOneAddressAreSlowedDown(@TempDir Path own) throws Exception {
        try (Server s = Server.start(own)) {
            String body = Ask.of("node-f", "password-of-node-f-0123").json();
            for (int i = 0; i < NodeBootstrapHandler.FAILURE_LIMIT; i++)
                status(s.send("POST", "/v1-beluga/node-credentials", s.basic("node", "guess-" + i), body), 401, "Unauthorized");
            HttpResponse<String> limited = s.send("POST", "/v1-beluga/node-credentials", s.basic(), body);
            status(limited, 429, "TooManyRequests");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            // the CA bundle stays available
            assertThat(s.send("GET", "/cacerts", null, null).statusCode()).isEqualTo(200);
        }
    }
}
