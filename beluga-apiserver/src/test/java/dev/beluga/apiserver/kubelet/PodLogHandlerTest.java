package dev.beluga.apiserver.kubelet;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** pods/log through a started API server to a stand-in kubelet: options, container choice, errors, streaming, TLS. */
class PodLogHandlerTest {
    @TempDir
    static Path dir;
    private static TestServer server;
    private static FakeKubelet kubelet;
    private static FakeKubelet stranger;
    private static SSLContext adminTls;
    private static HttpClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(dir);
        kubelet = new FakeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        stranger = new FakeKubelet(CertificateAuthority.create("stranger", Duration.ofDays(1)), List.of(server.pki.caCertificate()));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        node("n1", kubelet.port(), "InternalIP", "127.0.0.1");
        node("n-hostname", kubelet.port(), "Hostname", "localhost");
        node("n-stranger", stranger.port(), "InternalIP", "127.0.0.1");
        node("n-down", closedPort, "InternalIP", "127.0.0.1");
        node("n-noaddr", kubelet.port(), "ExternalDNS", "x.example");
        for (String p : List.of("web", "stream", "err400", "err401", "err404", "err500", "err502", "err503")) pod(p, "n1", "app");
        pod("byname", "n-hostname", "app");
        pod("untrusted", "n-stranger", "app");
        pod("down", "n-down", "app");
        pod("noaddr", "n-noaddr", "app");
        pod("ghosted", "ghost", "app");
        pod("pending", "", "app");
        pod("multi", "n1", List.of("init1"), "a", "b");
        adminTls = adminContext();
        admin = client(HttpClient.Version.HTTP_2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) admin.close();
        if (kubelet != null) kubelet.close();
        if (stranger != null) stranger.close();
        if (server != null) server.close();
    }

    private static RegistryStore store(String plural) {
        return server.api.registry().get("", "v1", plural);
    }

    private static void node(String name, int port, String type, String address) {
        ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", name);
        store("nodes").create(null, node, new WriteOptions(false, "test", "Ignore", null));
        store("nodes").update(null, name, n -> {
            ObjectNode status = n.putObject("status");
            status.putArray("addresses").addObject().put("type", type).put("address", address);
            status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", port);
            return n;
        }, new WriteOptions(false, "test", "Ignore", "status"));
    }

    private static void pod(String name, String nodeName, String... containers) {
        pod(name, nodeName, List.of(), containers);
    }

    private static void pod(String name, String nodeName, List<String> initContainers, String... containers) {
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = pod.putObject("spec");
        if (!nodeName.isEmpty()) spec.put("nodeName", nodeName);
        ArrayNode cs = spec.putArray("containers");
        for (String c : containers) cs.addObject().put("name", c).put("image", "busybox");
        if (!initContainers.isEmpty()) {
            ArrayNode init = spec.putArray("initContainers");
            for (String c : initContainers) init.addObject().put("name", c).put("image", "busybox");
        }
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

    private static HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder().sslContext(adminTls).version(version).build();
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return admin.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port() + "/api/v1/namespaces/default/pods/" + pathAndQuery)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(HttpResponse<String> r, int code, String reason, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(code);
        JsonNode s = Json.MAPPER.readTree(r.body());
        assertThat(s.path("kind").asText()).isEqualTo("Status");
        assertThat(s.path("code").asInt()).isEqualTo(code);
        assertThat(s.path("reason").asText()).isEqualTo(reason);
        assertThat(s.path("message").asText()).isEqualTo(message);
        return s;
    }

    @Test
    void streamsTheKubeletsAnswerAndForwardsTheOptions() throws Exception {
        HttpResponse<String> r = get("web/log?container=app&tailLines=2&timestamps=true&sinceTime=2024-05-01T10:00:00.5Z&limitBytes=100&previous=true&pretty=false");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(r.body()).isEqualTo("line1\nline2\n");
        assertThat(kubelet.lastPath).isEqualTo("/containerLogs/default/web/app");
        assertThat(kubelet.lastQuery).isEqualTo("limitBytes=100&previous=true&sinceTime=2024-05-01T10%3A00%3A00Z&tailLines=2&timestamps=true");
        assertThat(kubelet.lastClientCn).isEqualTo("CN=kube-apiserver-kubelet-client");
        assertThat(kubelet.lastProtocol).isEqualTo("HTTP/2.0");
        get("web/log?follow=1&sinceSeconds=30");
        assertThat(kubelet.lastQuery).isEqualTo("follow=true&sinceSeconds=30");
        get("web/log");
        assertThat(kubelet.lastPath).isEqualTo("/containerLogs/default/web/app");
        assertThat(kubelet.lastQuery).isNull();
    }

    @Test
    void usesTheHostnameWhenThereIsNoIp() throws Exception {
        assertThat(get("byname/log").body()).isEqualTo("line1\nline2\n");
        assertThat(kubelet.lastPath).isEqualTo("/containerLogs/default/byname/app");
    }

    @Test
    void containerChoice() throws Exception {
        status(get("multi/log"), 400, "BadRequest", "a container name must be specified for pod multi, choose one of: [init1 a b]");
        status(get("multi/log?container=zzz"), 400, "BadRequest", "container zzz is not valid for pod multi");
        status(get("web/log?container=zzz"), 400, "BadRequest", "container zzz is not valid for pod web");
        assertThat(get("multi/log?container=init1").statusCode()).isEqualTo(200);
        assertThat(kubelet.lastPath).isEqualTo("/containerLogs/default/multi/init1");
        assertThat(get("multi/log?container=b").statusCode()).isEqualTo(200);
        assertThat(kubelet.lastPath).isEqualTo("/containerLogs/default/multi/b");
    }

    @Test
    void invalidOptions() throws Exception {
        JsonNode s = status(get("web/log?tailLines=-1"), 422, "Invalid",
            "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0");
        assertThat(s.path("details").path("causes").get(0).path("field").asText()).isEqualTo("tailLines");
        status(get("web/log?limitBytes=0&sinceSeconds=0"), 422, "Invalid",
            "PodLogOptions \"web\" is invalid: [limitBytes: Invalid value: 0: must be greater than 0, sinceSeconds: Invalid value: 0: must be greater than 0]");
        status(get("web/log?sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z"), 422, "Invalid",
            "PodLogOptions \"web\" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
        status(get("web/log?tailLines=abc"), 400, "BadRequest", "strconv.ParseInt: parsing \"abc\": invalid syntax");
        status(get("web/log?limitBytes=99999999999999999999"), 400, "BadRequest", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range");
        assertThat(get("web/log?sinceTime=yesterday").statusCode()).isEqualTo(400);
        // validation comes before the pod is looked up
        status(get("nope/log?tailLines=-1"), 422, "Invalid",
            "PodLogOptions \"nope\" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void podsNodesAndAddresses() throws Exception {
        status(get("nope/log"), 404, "NotFound", "pods \"nope\" not found");
        HttpResponse<String> pending = get("pending/log");
        assertThat(pending.statusCode()).isEqualTo(204);
        assertThat(pending.body()).isEmpty();
        status(get("ghosted/log"), 404, "NotFound", "nodes \"ghost\" not found");
        status(get("noaddr/log"), 500, "", "no preferred addresses found; known addresses: [{ExternalDNS x.example}]");
        HttpResponse<String> post = admin.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port()
            + "/api/v1/namespaces/default/pods/web/log")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void kubeletErrorsArePassedOn() throws Exception {
        status(get("err400/log"), 400, "BadRequest", "kubelet says 400");
        status(get("err404/log"), 404, "NotFound", "the server could not find the requested resource ( pods/log err404)");
        JsonNode internal = status(get("err500/log"), 500, "InternalError", "Internal error occurred: kubelet says 500");
        assertThat(internal.path("details").path("causes").get(0).path("message").asText()).isEqualTo("kubelet says 500");
        status(get("err401/log"), 401, "Unauthorized", "the server has asked for the client to provide credentials ( pods/log err401)");
        status(get("err503/log"), 503, "ServiceUnavailable", "the server is currently unable to handle the request ( pods/log err503)");
        status(get("err502/log"), 502, "InternalError",
            "an error on the server (\"kubelet says 502\") has prevented the request from succeeding ( pods/log err502)");
    }

    @Test
    void unreachableKubelet() throws Exception {
        HttpResponse<String> r = get("down/log");
        assertThat(r.statusCode()).isEqualTo(500);
        String port = Json.MAPPER.readTree(r.body()).path("message").asText().replaceAll(".*127\\.0\\.0\\.1:(\\d+)/.*", "$1");
        status(r, 500, "", "Get \"https://127.0.0.1:" + port + "/containerLogs/default/down/app\": dial tcp 127.0.0.1:" + port
            + ": connect: connection refused");
    }

    @Test
    void theKubeletsCertificateIsVerifiedUnlessAskedNotTo() throws Exception {
        HttpResponse<String> r = get("untrusted/log");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Json.MAPPER.readTree(r.body()).path("message").asText())
            .startsWith("Get \"https://127.0.0.1:" + stranger.port() + "/containerLogs/default/untrusted/app\": tls: failed to verify certificate");
        HttpResponse<String> skipped = get("untrusted/log?insecureSkipTLSVerifyBackend=true");
        assertThat(skipped.statusCode()).isEqualTo(200);
        assertThat(skipped.body()).isEqualTo("line1\nline2\n");
        assertThat(stranger.lastClientCn).as("the client certificate is still presented").isEqualTo("CN=kube-apiserver-kubelet-client");
        assertThat(stranger.lastQuery).isNull(); // insecureSkipTLSVerifyBackend is not forwarded
    }

    @Test
    void eachChunkIsFlushedAsItComes() throws Exception {
        HttpResponse<InputStream> r = admin.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port()
            + "/api/v1/namespaces/default/pods/stream/log?follow=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (InputStream in = r.body()) {
            // the first line arrives while the kubelet still holds back the second
            assertThat(new String(in.readNBytes(2), StandardCharsets.UTF_8)).isEqualTo("a\n");
            kubelet.release.countDown();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("b\n");
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void aClientLeavingClosesTheKubeletConnection(HttpClient.Version version) throws Exception {
        FakeKubelet quiet = new FakeKubelet(server.pki.ca(), List.of(server.pki.caCertificate()));
        try (quiet; HttpClient c = client(version)) {
            String suffix = version.name().toLowerCase().replace('_', '-');
            String nodeName = "n-quiet-" + suffix;
            node(nodeName, quiet.port(), "InternalIP", "127.0.0.1");
            String podName = "quiet-" + suffix;
            pod(podName, nodeName, "app");
            HttpResponse<InputStream> r = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port()
                + "/api/v1/namespaces/default/pods/" + podName + "/log?follow=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.version()).isEqualTo(version);
            InputStream in = r.body();
            assertThat(new String(in.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("hello\n");
            assertThat(quiet.upstreamGone.getCount()).isEqualTo(1);
            in.close();
            assertThat(quiet.upstreamGone.await(10, TimeUnit.SECONDS)).as("the API server closed its kubelet stream").isTrue();
        }
    }

    @Test
    void readingWithoutCredentialsIs401() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(server.pki.trustStore());
        SSLContext noCert = SSLContext.getInstance("TLS");
        noCert.init(null, tmf.getTrustManagers(), null);
        try (HttpClient anonymous = HttpClient.newBuilder().sslContext(noCert).build()) {
            HttpResponse<String> r = anonymous.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.api.port()
                + "/api/v1/namespaces/default/pods/web/log")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
