package dev.beluga.apiserver.kubelet;

import dev.beluga.http.ResponseHead;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.registry.RegistryStore;
import dev.beluga.apiserver.registry.WriteOptions;
import dev.beluga.apiserver.testing.TestServer;
import dev.beluga.pki.CertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pods/exec, pods/attach and pods/portforward through a started API server to a stand-in kubelet
 * ({@link FakeUpgradeKubelet}): the kubelet request, the 101 and the bytes both ways, relayed errors, and the API
 * server's own checks in upstream's order.
 */
class PodStreamHandlerTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static FakeUpgradeKubelet kubelet;
    private static FakeUpgradeKubelet stranger;
    private static SSLContext adminTls;
    private static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        kubelet = new FakeUpgradeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        stranger = new FakeUpgradeKubelet(CertificateAuthority.create("stranger", Duration.ofDays(1)), List.of(server.pki.caCertificate()));
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        node("n1", kubelet.port());
        node("n-stranger", stranger.port());
        node("n-down", closedPort);
        for (String p : List.of("web", "gone", "forbid", "plain")) pod(p, "n1", "app");
        pod("multi", "n1", "a", "b");
        pod("untrusted", "n-stranger", "app");
        pod("down", "n-down", "app");
        pod("ghosted", "ghost", "app");
        pod("pending", "", "app");
        adminTls = adminContext();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) kubelet.close();
        if (stranger != null) stranger.close();
        if (server != null) server.close();
    }

    private static RegistryStore store(String plural) {
        return server.api.registry().get("", "v1", plural);
    }

    private static void node(String name, int port) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name);
        store("nodes").create(null, node, new WriteOptions(false, "test", "Ignore", null));
        store("nodes").update(null, name, n -> {
            ObjectNode status = n.putObject("status");
            status.putArray("addresses").addObject().put("type", "InternalIP").put("address", "127.0.0.1");
            status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", port);
            return n;
        }, new WriteOptions(false, "test", "Ignore", "status"));
    }

    private static void pod(String name, String nodeName, String... containers) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = pod.putObject("spec");
        if (!nodeName.isEmpty()) spec.put("nodeName", nodeName);
        ArrayNode cs = spec.putArray("containers");
        for (String c : containers) cs.addObject().put("name", c).put("image", "busybox");
        store("pods").create("default", pod, new WriteOptions(false, "test", "Ignore", null));
    }

    private static SSLContext adminContext() throws Exception {
        char[] pw = "pw".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(server.pki.admin().toKeyStore(pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(server.pki.trustStore());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One raw HTTP/1.1 connection to the API server, as kubectl's SPDY dialer makes it. */
    private static final class Client implements AutoCloseable {
        final SSLSocket socket;
        final InputStream in;
        final OutputStream out;

        Client() throws IOException {
            socket = (SSLSocket) adminTls.getSocketFactory().createSocket("127.0.0.1", server.api.port());
            SSLParameters p = socket.getSSLParameters();
            p.setApplicationProtocols(new String[]{"http/1.1"});
            socket.setSSLParameters(p);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        ResponseHead request(String method, String pathAndQuery, String... headers) throws IOException {
            StringBuilder sb = new StringBuilder(method + " /api/v1/namespaces/default/pods/" + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String h : headers) sb.append(h).append("\r\n");
            out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return ResponseHead.read(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static final String[] SPDY = {"Connection: Upgrade", "Upgrade: SPDY/3.1", "X-Stream-Protocol-Version: v4.channel.k8s.io",
        "X-Stream-Protocol-Version: channel.k8s.io", "Content-Length: 0", "Impersonate-User: someone", "Impersonate-Group: system:masters", "X-Forwarded-For: 10.9.9.9"};

    /** Status code and body of a non-101 answer. */
    private static String answer(String method, String pathAndQuery, String... headers) throws IOException {
        try (Client c = new Client()) {
            ResponseHead head = c.request(method, pathAndQuery, headers);
            return head.status() + " " + new String(head.readBody(c.in), StandardCharsets.UTF_8);
        }
    }

    private static void status(String answer, int code, String reason, String message) throws IOException {
        assertThat(answer).startsWith(code + " ");
        JsonNode s = Json.MAPPER.readTree(answer.substring(4));
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("code").asInt()).isEqualTo(code);
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        assertThat(s.path("message").asText()).isEqualTo(message);
    }

    private static String lastHead() throws InterruptedException {
        String head = kubelet.heads.poll(5, TimeUnit.SECONDS);
        assertThat(head).as("the kubelet got a request").isNotNull();
        return head;
    }

    @Test
    void execIsPassedThroughToTheKubelet() throws Exception {
        kubelet.heads.clear();
        kubelet.clients.clear();
        try (Client c = new Client()) {
            ResponseHead head = c.request("POST", "web/exec?command=sh&command=-c&command=echo+a*b~%2C&container=app&stdin=true&stdout=true&tty=true", SPDY);
            assertThat(head.status()).isEqualTo(101);
            assertThat(head.header("Upgrade")).isEqualTo("SPDY/3.1");
            assertThat(head.header("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
            assertThat(head.header("Cache-Control")).isNull();
            c.out.write("through both hops".getBytes(StandardCharsets.UTF_8));
            c.out.flush();
            assertThat(new String(c.in.readNBytes(17), StandardCharsets.UTF_8)).isEqualTo("through both hops");
        }
        String head = lastHead();
        assertThat(head).startsWith("POST /exec/default/web/app?command=sh&command=-c&command=echo+a%2Ab~%2C&error=1&input=1&output=1&tty=1 HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + kubelet.port() + "\r\n")
            .contains("\r\nConnection: Upgrade\r\n", "\r\nUpgrade: SPDY/3.1\r\n", "\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n",
                "\r\nX-Stream-Protocol-Version: channel.k8s.io\r\n", "\r\nX-Forwarded-For: 10.9.9.9, 127.0.0.1\r\n")
            .doesNotContain("Impersonate-User", "Content-Length", "Authorization");
        assertThat(kubelet.clients.poll()).isEqualTo("CN=kube-apiserver-kubelet-client");
        assertThat(kubelet.echoEnded.await(10, TimeUnit.SECONDS)).as("the client's close reached the kubelet").isTrue();
    }

    @Test
    void optionsAsTheKubeletGetsThem() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String q : List.of("web/exec?command=ls&stdout=false&stderr=0", "web/exec", "web/exec?stdin=1&tty",
            "multi/attach?container=b&stdin=true&command=ignored", "web/attach?tty=false&stdin=0", "web/portforward?ports=80,8080&ports=9090",
            "web/portforward")) {
            try (Client c = new Client()) {
                assertThat(c.request("GET", q, SPDY).status()).as(q).isEqualTo(101);
            }
            String head = lastHead();
            seen.add(head.substring(0, head.indexOf(" HTTP/1.1")));
        }
        assertThat(seen).containsExactly(
            "GET /exec/default/web/app?command=ls&error=1&output=1", // stdout and stderr are defaulted on
            "GET /exec/default/web/app", // an empty query is not defaulted
            "GET /exec/default/web/app?error=1&input=1&output=1&tty=1",
            "GET /attach/default/multi/b?error=1&input=1&output=1",
            "GET /attach/default/web/app?error=1&output=1",
            "GET /portForward/default/web?port=80%2C8080%2C9090",
            "GET /portForward/default/web");
    }

    @Test
    void kubeletErrorsAreRelayed() throws Exception {
        try (Client c = new Client()) {
            ResponseHead head = c.request("POST", "gone/exec?command=ls&stdout=true", SPDY);
            assertThat(head.status()).isEqualTo(500);
            assertThat(head.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(new String(head.readBody(c.in), StandardCharsets.UTF_8)).isEqualTo("container not found (\"app\")");
        }
        assertThat(answer("GET", "forbid/exec?command=ls", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Protocol: v5.channel.k8s.io", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="))
            .isEqualTo("403 ");
        status(answer("POST", "plain/exec?command=ls", SPDY), 500, "", "invalid upgrade response: status code 200");
    }

    @Test
    void checksInUpstreamOrder() throws Exception {
        status(answer("PUT", "web/exec?command=ls", SPDY), 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        status(answer("POST", "web/portforward?ports=80,x", SPDY), 400, "BadRequest",
            "cannot convert to []int32: strconv.ParseUint: parsing \"x\": invalid syntax");
        status(answer("POST", "web/portforward?ports=65536", SPDY), 400, "BadRequest",
            "cannot convert to []int32: strconv.ParseUint: parsing \"65536\": value out of range");
        status(answer("POST", "nope/exec?command=ls", SPDY), 404, "NotFound", "pods \"nope\" not found");
        status(answer("POST", "nope/portforward", SPDY), 404, "NotFound", "pods \"nope\" not found");
        status(answer("POST", "web/exec?command=ls&container=zzz", SPDY), 400, "BadRequest", "container zzz is not valid for pod web");
        status(answer("POST", "multi/attach?stdin=1", SPDY), 400, "BadRequest", "a container name must be specified for pod multi, choose one of: [a b]");
        status(answer("POST", "pending/exec?command=ls", SPDY), 400, "BadRequest", "pod pending does not have a host assigned");
        status(answer("POST", "pending/portforward", SPDY), 400, "BadRequest", "pod pending does not have a host assigned");
        status(answer("POST", "ghosted/exec?command=ls", SPDY), 404, "NotFound", "nodes \"ghost\" not found");
        status(answer("POST", "web/exec?command=ls", "Content-Length: 0"), 400, "BadRequest", "Upgrade request required");
        status(answer("POST", "down/exec?command=ls", SPDY), 500, "",
            "error dialing backend: dial tcp 127.0.0.1:" + closedPort + ": connect: connection refused");
        String untrusted = answer("POST", "untrusted/exec?command=ls", SPDY);
        assertThat(untrusted).startsWith("500 ");
        assertThat(Json.MAPPER.readTree(untrusted.substring(4)).path("message").asText())
            .startsWith("error dialing backend: tls: failed to verify certificate");
        assertThat(stranger.heads).as("nothing was sent to a kubelet whose certificate is not trusted").isEmpty();
    }
}
