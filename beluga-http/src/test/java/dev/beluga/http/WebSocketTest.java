package dev.beluga.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6455 framing of {@link WebSocket} and the handshake's accept key, over byte arrays. */
class WebSocketTest {
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** A masked client frame. */
    private static byte[] frame(int b0, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(b0);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write(n >> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) ((long) n >> (8 * i)));
        }
        f.writeBytes(MASK);
        for (int i = 0; i < n; i++) f.write(payload[i] ^ MASK[i & 3]);
        return f.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) all.writeBytes(p);
        return all.toByteArray();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] payload(WebSocket ws) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        byte[] buf = new byte[7]; // small: payloads are read in pieces
        for (int n; (n = ws.read(buf, 0, buf.length)) >= 0; ) p.write(buf, 0, n);
        return p.toByteArray();
    }

    @Test
    void acceptKeyOfTheRfcExample() {
        assertThat(WebSocketHandshake.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void readsMaskedFramesOfEveryLengthEncodingAndFragments() throws Exception {
        byte[] mid = new byte[300];
        byte[] big = new byte[70_000];
        Arrays.fill(mid, (byte) 'm');
        Arrays.fill(big, (byte) 'b');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocket ws = new WebSocket(new ByteArrayInputStream(concat(frame(0x82, text("\u0001hi")), frame(0x82, mid), frame(0x82, big),
            frame(0x02, text("frag")), frame(0x00, text("ment")), frame(0x80, text("ed")), frame(0x81, new byte[0]))), out);
        WebSocket.Frame f = ws.nextDataFrame();
        assertThat(f).isEqualTo(new WebSocket.Frame(WebSocket.BINARY, true, 3));
        assertThat(f.first()).isTrue();
        assertThat(payload(ws)).isEqualTo(text("\u0001hi"));
        assertThat(ws.nextDataFrame().length()).isEqualTo(300);
        assertThat(payload(ws)).isEqualTo(mid);
        assertThat(ws.nextDataFrame().length()).isEqualTo(70_000);
        assertThat(payload(ws)).isEqualTo(big);
        assertThat(ws.nextDataFrame()).isEqualTo(new WebSocket.Frame(WebSocket.BINARY, false, 4));
        assertThat(payload(ws)).isEqualTo(text("frag"));
        WebSocket.Frame cont = ws.nextDataFrame();
        assertThat(cont).isEqualTo(new WebSocket.Frame(WebSocket.CONTINUATION, false, 4));
        assertThat(cont.first()).isFalse();
        // a payload left unread is skipped by the next call
        assertThat(ws.nextDataFrame()).isEqualTo(new WebSocket.Frame(WebSocket.CONTINUATION, true, 2));
        assertThat(ws.nextDataFrame()).isEqualTo(new WebSocket.Frame(WebSocket.TEXT, true, 0));
        assertThat(ws.read(new byte[1], 0, 1)).isEqualTo(-1);
        assertThat(ws.nextDataFrame()).as("end of stream").isNull();
        assertThat(ws.closeReceived()).isFalse();
        assertThat(out.size()).as("nothing written").isZero();
    }

    @Test
    void answersPingsBetweenFragmentsSkipsPongsAndEchoesClose() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocket ws = new WebSocket(new ByteArrayInputStream(concat(frame(0x02, text("a")), frame(0x89, text("beat")),
            frame(0x8A, text("late")), frame(0x80, text("b")), frame(0x88, new byte[]{0x03, (byte) 0xE8}), frame(0x82, text("after")))), out);
        assertThat(payload(ws)).isEmpty(); // no frame yet
        assertThat(ws.nextDataFrame().fin()).isFalse();
        WebSocket.Frame last = ws.nextDataFrame();
        assertThat(last).isEqualTo(new WebSocket.Frame(WebSocket.CONTINUATION, true, 1));
        assertThat(payload(ws)).isEqualTo(text("b"));
        assertThat(ws.nextDataFrame()).as("the close frame ends reading").isNull();
        assertThat(ws.closeReceived()).isTrue();
        assertThat(ws.closeSent()).isTrue();
        // unmasked server frames: pong with the ping's payload, then close 1000
        assertThat(out.toByteArray()).isEqualTo(concat(new byte[]{(byte) 0x8A, 4}, text("beat"), new byte[]{(byte) 0x88, 2, 0x03, (byte) 0xE8}));
    }

    @Test
    void writesUnmaskedFramesWithTheirLengths() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WebSocket ws = new WebSocket(new ByteArrayInputStream(new byte[0]), out);
        ws.sendBinary((byte) 1, text("xhello"), 1, 5);
        assertThat(out.toByteArray()).isEqualTo(concat(new byte[]{(byte) 0x82, 6, 1}, text("hello")));
        out.reset();
        ws.sendBinary(new byte[200], 0, 200);
        assertThat(Arrays.copyOf(out.toByteArray(), 4)).isEqualTo(new byte[]{(byte) 0x82, 126, 0, (byte) 200});
        assertThat(out.size()).isEqualTo(204);
        out.reset();
        ws.sendBinary((byte) 2, new byte[70_000], 0, 70_000);
        assertThat(Arrays.copyOf(out.toByteArray(), 11)).isEqualTo(new byte[]{(byte) 0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x71, 2});
        assertThat(out.size()).isEqualTo(10 + 70_001);
        out.reset();
        ws.sendClose(WebSocket.NORMAL_CLOSURE);
        ws.sendClose(WebSocket.NORMAL_CLOSURE);
        assertThat(out.toByteArray()).as("one close frame").isEqualTo(new byte[]{(byte) 0x88, 2, 0x03, (byte) 0xE8});
        assertThatThrownBy(() -> ws.sendBinary(new byte[1], 0, 1)).isInstanceOf(IOException.class);
    }

    @Test
    void protocolErrorsSendClose1002() {
        byte[] unmasked = {(byte) 0x82, 1, 'x'};
        byte[] reserved = frame(0xC2, text("x"));
        byte[] longPing = frame(0x89, new byte[126]);
        byte[] fragmentedPing = frame(0x09, text("x"));
        byte[] strayContinuation = frame(0x80, text("x"));
        byte[] unknownOpcode = frame(0x83, text("x"));
        byte[] interleaved = concat(frame(0x02, text("a")), frame(0x82, text("b")));
        for (byte[] bad : new byte[][]{unmasked, reserved, longPing, fragmentedPing, strayContinuation, unknownOpcode, interleaved}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WebSocket ws = new WebSocket(new ByteArrayInputStream(bad), out);
            assertThatThrownBy(() -> {
                while (ws.nextDataFrame() != null) {
                    // read on
                }
            }).isInstanceOf(ProtocolException.class);
            assertThat(out.toByteArray()).isEqualTo(new byte[]{(byte) 0x88, 2, 0x03, (byte) 0xEA});
        }
    }

    @Test
    void aConnectionEndingInsideAFrameIsAnError() throws Exception {
        byte[] whole = frame(0x82, text("abcdef"));
        WebSocket cut = new WebSocket(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 2)), new ByteArrayOutputStream());
        assertThat(cut.nextDataFrame().length()).isEqualTo(6);
        assertThatThrownBy(() -> payload(cut)).isInstanceOf(EOFException.class);
        WebSocket header = new WebSocket(new ByteArrayInputStream(Arrays.copyOf(whole, 3)), new ByteArrayOutputStream());
        assertThatThrownBy(header::nextDataFrame).isInstanceOf(EOFException.class);
    }
}
