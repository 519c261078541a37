package dev.beluga.agent.server;

import dev.beluga.http.ResponseHead;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request over a TLS socket written by hand, as kubectl's SPDY and WebSocket dialers send upgrade
 * requests, and the raw connection afterwards. {@link #close()} closes the socket.
 */
final class RawHttpsClient implements AutoCloseable {
    final SSLSocket socket;
    final InputStream in;
    final OutputStream out;

    RawHttpsClient(SSLContext ctx, int port) throws IOException {
        socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = socket.getSSLParameters();
        p.setApplicationProtocols(new String[]{"http/1.1"});
        socket.setSSLParameters(p);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a request head (the lines without their CRLF; a blank line is added) and returns the response head. */
    ResponseHead request(String... lines) throws IOException {
        send(String.join("\r\n", lines) + "\r\n\r\n");
        return ResponseHead.read(in);
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads exactly {@code n} bytes as text. */
    String read(int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
