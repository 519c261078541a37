package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand over a {@link RawHttpsClient}, as kubectl's gorilla/websocket frames it: the
 * opening handshake, masked frames of any opcode and fragmentation, and the server's frames one by one.
 */
final class WsTestClient implements AutoCloseable {
    /** The RFC's sample key; its accept value is {@link #ACCEPT}. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /** A server frame: opcode and payload (servers do not fragment here). */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** A binary message's channel (its first byte). */
        int channel() {
            return payload[0] & 0xFF;
        }

        /** A binary message's data after the channel byte, as text. */
        String data() {
            return new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
        }
    }

    final RawHttpsClient http;

    WsTestClient(RawHttpsClient http) {
        this.http = http;
    }

    /** Sends the opening handshake ({@code GET target}) offering {@code protocols} and returns the answer's head. */
    ResponseHead handshake(String target, String protocols) throws IOException {
        return http.request("GET " + target + " HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Protocol: " + protocols,
            "User-Agent: kubectl/v1.33.1");
    }

    /** A final binary message {@code [channel][text]}. */
    void binary(int channel, String text) throws IOException {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[t.length + 1];
        p[0] = (byte) channel;
        System.arraycopy(t, 0, p, 1, t.length);
        frame(0x82, p);
    }

    /** A masked frame: first byte {@code b0} (FIN, opcode), then the payload. */
    void frame(int b0, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(b0);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i & 3]);
        http.out.write(f.toByteArray());
        http.out.flush();
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** The server's next frame, or null at the end of the connection. */
    Frame read() throws IOException {
        InputStream in = http.in;
        int b0 = in.read();
        if (b0 < 0) return null;
        int b1 = in.read();
        if (b1 < 0) throw new EOFException();
        if ((b1 & 0x80) != 0) throw new IOException("masked server frame");
        long n = b1 & 0x7F;
        if (n == 126) n = (in.read() << 8) | in.read();
        else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) n = (n << 8) | in.read();
        }
        byte[] payload = in.readNBytes((int) n);
        if (payload.length != n) throw new EOFException();
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }
}
