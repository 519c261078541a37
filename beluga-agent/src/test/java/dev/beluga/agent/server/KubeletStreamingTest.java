package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;

import dev.beluga.cri.StreamFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet API's exec, attach and port-forward endpoints over real HTTPS, against a stand-in runtime stream server
 * ({@link FakeStreamServer}): the request reaching the runtime, the 101 and the bytes both ways, the relayed errors,
 * and the kubelet's own checks.
 */
class KubeletStreamingTest {
    @RegisterExtension
    final StreamingKubelet kubelet = new StreamingKubelet();

    private RawHttpsClient connect() throws Exception {
        return kubelet.connect();
    }

    private static String[] spdy(String requestLine) {
        return new String[]{requestLine, "Host: 127.0.0.1", "Connection: Upgrade", "Upgrade: SPDY/3.1",
            "X-Stream-Protocol-Version: v4.channel.k8s.io", "X-Stream-Protocol-Version: v3.channel.k8s.io",
            "Content-Length: 0", "User-Agent: kubectl/v1.32.5"};
    }

    @Test
    void execSwitchesProtocolsAndCopiesBytesBothWays() throws Exception {
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(spdy("POST /exec/default/web/echo?command=sh&command=-c&command=echo+hi&input=1&output=1&error=1 HTTP/1.1"));
            assertThat(head.status()).as(() -> readQuietly(head, c)).isEqualTo(101);
            assertThat(head.header("Upgrade")).isEqualTo("SPDY/3.1");
            assertThat(head.header("Connection")).isEqualToIgnoringCase("Upgrade");
            assertThat(head.header("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
            assertThat(head.header("Content-Length")).isNull();
            assertThat(head.headers()).extracting(h -> h.getKey().toLowerCase(java.util.Locale.ROOT))
                .containsExactlyInAnyOrder("connection", "upgrade", "x-stream-protocol-version", "date"); // Jetty adds Date
            c.send("ping");
            assertThat(c.read(4)).isEqualTo("ping");
            byte[] big = new byte[200_000];
            for (int i = 0; i < big.length; i++) big[i] = (byte) ('a' + i % 26);
            c.out.write(big);
            c.out.flush();
            assertThat(c.in.readNBytes(big.length)).isEqualTo(big);
        }
        assertThat(kubelet.calls.poll()).isEqualTo("exec default/web//echo [sh, -c, echo hi] " + new StreamFlags(true, true, true, false));
        assertThat(kubelet.runtime.echoEnded.await(10, TimeUnit.SECONDS)).as("closing the client closes the runtime's connection").isTrue();
        String forwarded = kubelet.runtime.heads.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).startsWith("POST /exec/token-echo HTTP/1.1\r\nHost: 127.0.0.1:" + kubelet.runtime.port() + "\r\n")
            .contains("\r\nConnection: Upgrade\r\n", "\r\nUpgrade: SPDY/3.1\r\n", "\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n",
                "\r\nX-Stream-Protocol-Version: v3.channel.k8s.io\r\n", "\r\nUser-Agent: kubectl/v1.32.5\r\n",
                "\r\nX-Forwarded-For: 127.0.0.1\r\n")
            .doesNotContain("Content-Length", "Host: 127.0.0.1\r\n");
    }

    @Test
    void bytesSentRightAfterTheRequestAreNotLost() throws Exception {
        try (RawHttpsClient c = connect()) {
            String[] lines = spdy("GET /attach/default/web/u1/echo?output=1&tty=1&error=1 HTTP/1.1");
            c.send(String.join("\r\n", lines) + "\r\n\r\nearly bytes"); // before the 101 has arrived
            assertThat(ResponseHead.read(c.in).status()).isEqualTo(101);
            assertThat(c.read(11)).isEqualTo("early bytes");
        }
        assertThat(kubelet.calls.poll()).isEqualTo("attach default/web/u1/echo " + new StreamFlags(false, true, false, true));
    }

    @Test
    void theRuntimeClosingEndsTheClientsConnectionAfterItsLastBytes() throws Exception {
        try (RawHttpsClient c = connect()) {
            assertThat(c.request(spdy("POST /exec/default/web/greet?command=true&output=1 HTTP/1.1")).status()).isEqualTo(101);
            assertThat(c.read(5)).isEqualTo("hello");
            assertThat(c.in.read()).as("end of stream").isEqualTo(-1);
        }
    }

    @Test
    void portForwardPassesThroughWithThePortsOfAWebSocketRequest() throws Exception {
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request("GET /portForward/default/web?port=80,8080&port=9090 HTTP/1.1", "Host: x",
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Protocol: v4.channel.k8s.io");
            assertThat(head.status()).isEqualTo(101); // the stand-in answers with SPDY headers; a pass-through does not care
            c.send("x");
            assertThat(c.read(1)).isEqualTo("x");
        }
        assertThat(kubelet.calls.poll()).isEqualTo("portForward default/web/ [80, 8080, 9090]");
        assertThat(kubelet.runtime.heads.poll(5, TimeUnit.SECONDS)).contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
            "\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n", "\r\nUpgrade: websocket\r\n");
        try (RawHttpsClient c = connect()) { // SPDY: ports come per stream, the query is not read
            assertThat(c.request(spdy("POST /portForward/default/web/u1?port=nonsense HTTP/1.1")).status()).isEqualTo(101);
        }
        assertThat(kubelet.calls.poll()).isEqualTo("portForward default/web/u1 []");
    }

    @Test
    void runtimeErrorsAreRelayed() throws Exception {
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(spdy("POST /exec/default/web/forbidden?output=1 HTTP/1.1"));
            assertThat(head.status()).isEqualTo(403);
            assertThat(new String(head.readBody(c.in))).isEmpty();
        }
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(spdy("POST /exec/default/web/gone?output=1 HTTP/1.1"));
            assertThat(head.status()).isEqualTo(500);
            assertThat(head.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(new String(head.readBody(c.in))).isEqualTo("container gone");
        }
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(spdy("POST /exec/default/web/chunked?output=1 HTTP/1.1"));
            assertThat(head.status()).isEqualTo(404);
            assertThat(new String(head.readBody(c.in))).isEqualTo("no such id");
        }
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(spdy("POST /exec/default/web/ok?output=1 HTTP/1.1"));
            assertThat(head.status()).isEqualTo(500);
            assertThat(new String(head.readBody(c.in))).isEqualTo("invalid upgrade response: status code 200\n");
        }
    }

    @Test
    void kubeletChecksComeFirst() throws Exception {
        assertThat(answer(spdy("POST /exec/default/web/echo?command=ls HTTP/1.1")))
            .isEqualTo("400 you must specify at least 1 of stdin, stdout, stderr");
        assertThat(answer(spdy("POST /exec/default/web/echo?error=1&tty=1 HTTP/1.1")))
            .as("stderr is dropped with a tty").isEqualTo("400 you must specify at least 1 of stdin, stdout, stderr");
        assertThat(answer(spdy("POST /exec/default/web/echo?output=true HTTP/1.1"))).as("only 1 means on")
            .isEqualTo("400 you must specify at least 1 of stdin, stdout, stderr");
        assertThat(kubelet.calls).as("no runtime call for a bad query").isEmpty();
        assertThat(answer(spdy("POST /exec/default/ghost/echo?output=1 HTTP/1.1"))).isEqualTo("404 pod does not exist");
        assertThat(answer(spdy("POST /exec/default/done/app?output=1 HTTP/1.1"))).isEqualTo("500 container not found (\"app\")");
        kubelet.calls.clear();
        assertThat(answer(spdy("POST /exec/default/web HTTP/1.1"))).isEqualTo("404 " + KubeletHandler.NOT_FOUND);
        assertThat(answer(spdy("POST /exec/default/web/a/b/c?output=1 HTTP/1.1"))).isEqualTo("404 " + KubeletHandler.NOT_FOUND);
        assertThat(answer(spdy("PUT /exec/default/web/echo?output=1 HTTP/1.1"))).isEqualTo("405 " + KubeletHandler.METHOD_NOT_ALLOWED);
        assertThat(answer(spdy("POST /portForward/default HTTP/1.1"))).isEqualTo("404 " + KubeletHandler.NOT_FOUND);
        String[] ws = {"GET /portForward/default/web HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket"};
        assertThat(answer(ws)).isEqualTo("400 query parameter \"port\" is required");
        ws[0] = "GET /portForward/default/web?port= HTTP/1.1";
        assertThat(answer(ws)).isEqualTo("400 query parameter \"port\" cannot be empty");
        ws[0] = "GET /portForward/default/web?port=80,x HTTP/1.1";
        assertThat(answer(ws)).isEqualTo("400 unable to parse \"80,x\" as a port: strconv.ParseUint: parsing \"x\": invalid syntax");
        ws[0] = "GET /portForward/default/web?port=70000 HTTP/1.1";
        assertThat(answer(ws)).isEqualTo("400 unable to parse \"70000\" as a port: strconv.ParseUint: parsing \"70000\": value out of range");
        ws[0] = "GET /portForward/default/web?port=0 HTTP/1.1";
        assertThat(answer(ws)).isEqualTo("400 port \"0\" must be > 0");
        assertThat(kubelet.calls).as("no runtime call for a bad path, method or port").isEmpty();
    }

    @Test
    void aRequestWithoutUpgradeIsRefusedAfterTheRuntimeCall() throws Exception {
        assertThat(answer("POST /exec/default/web/echo?output=1 HTTP/1.1", "Host: x", "Content-Length: 0"))
            .isEqualTo("500 Upgrade request required\n");
        assertThat(kubelet.calls.poll()).startsWith("exec default/web//echo");
        try (HttpClient h2 = HttpClient.newBuilder().sslContext(kubelet.tls.client(kubelet.tls.ca)).version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + kubelet.port()
                + "/attach/default/web/echo?output=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.statusCode() + " " + r.body()).isEqualTo("500 Upgrade request required\n");
        }
    }

    @Test
    void anUnreachableRuntimeIsAnError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        kubelet.streaming.streamPort = closed;
        assertThat(answer(spdy("POST /exec/default/web/echo?output=1 HTTP/1.1")))
            .isEqualTo("500 error dialing backend: dial tcp 127.0.0.1:" + closed + ": connect: connection refused\n");
    }

    private static String readQuietly(ResponseHead head, RawHttpsClient c) {
        try {
            return head + " " + new String(head.readBody(c.in));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Status and body of a non-101 answer. */
    private String answer(String... lines) throws Exception {
        try (RawHttpsClient c = connect()) {
            ResponseHead head = c.request(lines);
            return head.status() + " " + new String(head.readBody(c.in));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void goNamesOfGrpcCodes() {
        assertThat(StreamingException.goCodeName(io.grpc.Status.Code.NOT_FOUND)).isEqualTo("NotFound");
        assertThat(StreamingException.goCodeName(io.grpc.Status.Code.CANCELLED)).isEqualTo("Canceled");
        assertThat(StreamingException.goCodeName(io.grpc.Status.Code.DEADLINE_EXCEEDED)).isEqualTo("DeadlineExceeded");
        assertThat(StreamingException.goCodeName(io.grpc.Status.Code.OK)).isEqualTo("OK");
        assertThat(StreamingException.goCodeName(io.grpc.Status.Code.UNKNOWN)).isEqualTo("Unknown");
    }

    @Test
    void stoppingTheServerEndsSessions() throws Exception {
        try (RawHttpsClient c = connect()) {
            assertThat(c.request(spdy("POST /exec/default/web/echo?output=1 HTTP/1.1")).status()).isEqualTo(101);
            c.send("a");
            assertThat(c.read(1)).isEqualTo("a");
            kubelet.stopServer();
            assertThat(kubelet.runtime.echoEnded.await(10, TimeUnit.SECONDS)).as("the runtime's connection was closed").isTrue();
            int end;
            try {
                end = c.in.read();
            } catch (IOException e) {
                end = -1; // a reset is an end too
            }
            assertThat(end).as("the client's connection was closed").isEqualTo(-1);
        }
    }
}
