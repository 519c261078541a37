package dev.beluga.agent.server;

import dev.beluga.cri.StreamFlags;
import dev.beluga.http.ResponseHead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubelet API answering WebSockets itself (v5/v4 remote command translated to SPDY, port-forward's SPDY tunnel)
 * over real HTTPS, with a hand-written WebSocket client ({@link WsTestClient}) and a stand-in runtime that speaks SPDY
 * as containerd's stream server does ({@link FakeStreamServer}, Netty's SPDY codec), both on loopback.
 */
class KubeletWebSocketTest {
    @RegisterExtension
    final StreamingKubelet kubelet = new StreamingKubelet();

    private WsTestClient connect() throws Exception {
        return new WsTestClient(kubelet.connect());
    }

    private String event() throws InterruptedException {
        return kubelet.runtime.spdyEvents.poll(10, TimeUnit.SECONDS);
    }

    /** Reads data messages until one on {@code channel}; returns its text. */
    private static String next(WsTestClient ws, int channel) throws IOException {
        for (WsTestClient.Frame f; (f = ws.read()) != null; ) {
            assertThat(f.opcode()).as("a binary message, not %s", f).isEqualTo(2);
            if (f.channel() == channel) return f.data();
        }
        throw new AssertionError("connection ended before a message on channel " + channel);
    }

    @Test
    void execOverV5IsTranslatedToSpdyWithStdinsEnd() throws Exception {
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.handshake("/exec/default/web/spdy-cat?command=cat&input=1&output=1&error=1",
                "v5.channel.k8s.io, v4.channel.k8s.io");
            assertThat(head.status()).isEqualTo(101);
            assertThat(head.header("Upgrade")).isEqualTo("websocket");
            assertThat(head.header("Connection")).isEqualToIgnoringCase("Upgrade");
            assertThat(head.header("Sec-WebSocket-Accept")).isEqualTo(WsTestClient.ACCEPT);
            assertThat(head.header("Sec-WebSocket-Protocol")).isEqualTo("v5.channel.k8s.io");
            assertThat(head.headers()).extracting(h -> h.getKey().toLowerCase(Locale.ROOT))
                .containsExactlyInAnyOrder("upgrade", "connection", "sec-websocket-accept", "sec-websocket-protocol", "date");
            // the streams the query asks for, opened and replied before the client's 101
            assertThat(List.of(event(), event(), event(), event())).containsExactly("syn 1 error", "syn 3 stdin", "syn 5 stdout", "syn 7 stderr");
            WsTestClient.Frame first = ws.read();
            assertThat(first.payload()).as("an empty message on stdout: established").containsExactly(1);

            ws.binary(0, "hello");
            assertThat(next(ws, 1)).isEqualTo("hello");
            assertThat(event()).isEqualTo("data stdin hello");
            // a fragmented message with a ping in between, as gorilla/websocket may send them
            ws.frame(0x02, new byte[]{0});
            ws.frame(0x00, "wor".getBytes(StandardCharsets.UTF_8));
            ws.frame(0x89, "beat".getBytes(StandardCharsets.UTF_8));
            ws.frame(0x80, "ld".getBytes(StandardCharsets.UTF_8));
            // the pong and the echo come on different threads of the kubelet: in either order
            StringBuilder echoed = new StringBuilder();
            String pong = null;
            while (echoed.length() < 5 || pong == null) {
                WsTestClient.Frame f = ws.read();
                if (f.opcode() == 0xA) pong = f.text();
                else echoed.append(f.channel() == 1 ? f.data() : "<" + f + ">");
            }
            assertThat(pong).isEqualTo("beat");
            assertThat(echoed.toString()).isEqualTo("world");
            ws.binary(5, "to a channel that is not open: dropped");
            ws.binary(1, "stdout is not the client's to write: dropped");

            ws.frame(0x82, new byte[]{(byte) 255, 0}); // v5 CLOSE of stdin: FIN on the runtime's stdin
            assertThat(next(ws, 3)).isEqualTo(FakeStreamServer.SUCCESS);
            WsTestClient.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.payload()).containsExactly(0x03, 0xE8);
            ws.frame(0x88, new byte[]{0x03, (byte) 0xE8}); // the client's answer, as gorilla's default close handler sends it
            assertThat(ws.read()).as("the kubelet closes once the client answered").isNull();
        }
        assertThat(List.of(event(), event(), event())).containsExactly("data stdin wor", "data stdin ld", "fin stdin");
        // SpdySession.close says GOAWAY unless a write is under way at that instant (it does not wait for one): optional
        String end = event();
        if ("goaway".equals(end)) end = event();
        assertThat(end).isEqualTo("eof");
        assertThat(kubelet.calls.poll()).isEqualTo("exec default/web//spdy-cat [cat] " + new StreamFlags(true, true, true, false));
        String forwarded = kubelet.runtime.heads.poll(5, TimeUnit.SECONDS);
        assertThat(forwarded).startsWith("POST /exec/token-spdy-cat HTTP/1.1\r\nHost: 127.0.0.1:" + kubelet.runtime.port() + "\r\n")
            .contains("\r\nUser-Agent: kubectl/v1.33.1\r\n", "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n")
            .doesNotContainIgnoringCase("Sec-WebSocket").doesNotContain("websocket");
    }

    @Test
    void outputErrorsAndTheExitStatusThenTheCloseFrame() throws Exception {
        try (WsTestClient ws = connect()) {
            assertThat(ws.handshake("/exec/default/web/spdy-exit3?command=false&output=1&error=1", "v5.channel.k8s.io").status()).isEqualTo(101);
            List<String> got = new ArrayList<>();
            for (WsTestClient.Frame f; (f = ws.read()) != null && f.opcode() == 2; ) got.add(f.channel() + ":" + f.data());
            assertThat(got).containsExactly("1:", "1:out", "2:err", "3:" + FakeStreamServer.EXIT_3);
        }
        assertThat(List.of(event(), event(), event())).containsExactly("syn 1 error", "syn 3 stdout", "syn 5 stderr");
    }

    @Test
    void aTerminalGetsTheResizeStreamAndNoStderr() throws Exception {
        try (WsTestClient ws = connect()) {
            assertThat(ws.handshake("/attach/default/web/u1/spdy-cat?input=1&output=1&error=1&tty=1", "v5.channel.k8s.io").status()).isEqualTo(101);
            assertThat(List.of(event(), event(), event(), event())).containsExactly("syn 1 error", "syn 3 stdin", "syn 5 stdout", "syn 7 resize");
            assertThat(ws.read().payload()).containsExactly(1);
            ws.binary(4, "{\"Width\":123,\"Height\":45}");
            assertThat(next(ws, 1)).isEqualTo("resize {\"Width\":123,\"Height\":45}");
            ws.frame(0x82, new byte[]{(byte) 255, 4}); // the end of the resize stream
            assertThat(event()).isEqualTo("data resize {\"Width\":123,\"Height\":45}");
            assertThat(event()).isEqualTo("fin resize");
        }
        assertThat(kubelet.calls.poll()).isEqualTo("attach default/web/u1/spdy-cat " + new StreamFlags(true, true, false, true));
    }

    @Test
    void v4OfferedFirstIsAnsweredWithV4WithoutTheCloseSignal() throws Exception {
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.handshake("/exec/default/web/spdy-cat?command=cat&input=1&output=1", "v4.channel.k8s.io,v5.channel.k8s.io");
            assertThat(head.header("Sec-WebSocket-Protocol")).isEqualTo("v4.channel.k8s.io");
            assertThat(ws.read().payload()).containsExactly(1);
            ws.frame(0x82, new byte[]{(byte) 255, 0}); // not a v4 message: dropped, stdin stays open
            ws.binary(0, "still open");
            assertThat(next(ws, 1)).isEqualTo("still open");
        }
        assertThat(List.of(event(), event(), event(), event())).containsExactly("syn 1 error", "syn 3 stdin", "syn 5 stdout", "data stdin still open");
        assertThat(event()).as("the client left: the runtime's connection ends").isIn("goaway", "eof");
    }

    @Test
    void otherWebSocketProtocolsPassThroughToTheRuntime() throws Exception {
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.handshake("/exec/default/web/echo?command=sh&output=1", "v4.channel.k8s.io, channel.k8s.io");
            assertThat(head.status()).as("the stand-in's own 101").isEqualTo(101);
            assertThat(head.header("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
        }
        assertThat(kubelet.runtime.heads.poll(5, TimeUnit.SECONDS)).startsWith("GET /exec/token-echo HTTP/1.1\r\n")
            .contains("\r\nSec-WebSocket-Protocol: v4.channel.k8s.io, channel.k8s.io\r\n", "\r\nUpgrade: websocket\r\n");
    }

    @Test
    void refusalsBeforeTheClientsUpgrade() throws Exception {
        try (WsTestClient ws = connect()) { // the runtime's refusal is relayed, as for a pass-through
            ResponseHead head = ws.handshake("/exec/default/web/forbidden?output=1", "v5.channel.k8s.io");
            assertThat(head.status() + " " + new String(head.readBody(ws.http.in))).isEqualTo("403 ");
        }
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.handshake("/exec/default/web/spdy-goaway?output=1", "v5.channel.k8s.io");
            assertThat(head.status() + " " + new String(head.readBody(ws.http.in)))
                .isEqualTo("500 error creating streams: the runtime ended the session\n");
        }
        try (WsTestClient ws = connect()) { // the kubelet's own checks come first, unchanged
            ResponseHead head = ws.handshake("/exec/default/done/app?output=1", "v5.channel.k8s.io");
            assertThat(head.status() + " " + new String(head.readBody(ws.http.in))).isEqualTo("500 container not found (\"app\")");
        }
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.http.request("GET /exec/default/web/spdy-cat?output=1 HTTP/1.1", "Host: x", "Connection: Upgrade",
                "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: v5.channel.k8s.io");
            assertThat(head.status() + " " + new String(head.readBody(ws.http.in)))
                .isEqualTo("400 websocket: not a websocket handshake: 'Sec-WebSocket-Key' header is missing or blank\n");
        }
        assertThat(kubelet.runtime.spdyEvents.poll(200, TimeUnit.MILLISECONDS)).as("no session for a bad handshake").isNull();
    }

    @Test
    void theClientLeavingClosesTheRuntimesSession() throws Exception {
        try (WsTestClient ws = connect()) {
            assertThat(ws.handshake("/exec/default/web/spdy-cat?command=cat&input=1&output=1", "v5.channel.k8s.io").status()).isEqualTo(101);
            assertThat(ws.read().payload()).containsExactly(1);
        }
        List<String> seen = new ArrayList<>();
        for (String e; (e = event()) != null && !e.equals("eof"); ) seen.add(e);
        assertThat(seen).containsExactly("syn 1 error", "syn 3 stdin", "syn 5 stdout", "goaway");
    }

    @Test
    void portForwardTunnelsTheClientsSpdyFrames() throws Exception {
        kubelet.streaming.portForwardToken = "tunnel";
        try (WsTestClient ws = connect()) {
            ResponseHead head = ws.handshake("/portForward/default/web", "SPDY/3.1+portforward.k8s.io");
            assertThat(head.status()).as("no port needed: they come inside the tunnel").isEqualTo(101);
            assertThat(head.header("Sec-WebSocket-Protocol")).isEqualTo("SPDY/3.1+portforward.k8s.io");
            assertThat(head.header("Sec-WebSocket-Accept")).isEqualTo(WsTestClient.ACCEPT);
            ws.frame(0x82, "spdy frames".getBytes(StandardCharsets.UTF_8));
            StringBuilder back = new StringBuilder();
            while (back.length() < 11) {
                WsTestClient.Frame f = ws.read();
                assertThat(f.opcode()).isEqualTo(2);
                back.append(f.text());
            }
            assertThat(back.toString()).isEqualTo("spdy frames");
            ws.frame(0x82, "bye".getBytes(StandardCharsets.UTF_8)); // the stand-in answers bye and closes
            WsTestClient.Frame bye = ws.read();
            assertThat(bye.text()).isEqualTo("bye");
            WsTestClient.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.payload()).containsExactly(0x03, 0xE8);
        }
        assertThat(kubelet.calls.poll()).isEqualTo("portForward default/web/ []");
        assertThat(kubelet.runtime.heads.poll(5, TimeUnit.SECONDS)).startsWith("POST /portforward/token-tunnel HTTP/1.1\r\n")
            .contains("\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n")
            .doesNotContainIgnoringCase("Sec-WebSocket");
    }
}
