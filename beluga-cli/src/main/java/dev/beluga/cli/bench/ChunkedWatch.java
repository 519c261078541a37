package dev.beluga.cli.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A lean watch client for benchmarks: one HTTP/1.1 request over its own TLS connection, the chunked body decoded by
 * hand and handed over one event line at a time as bytes — no HTTP/2 stack, no string decoding — so that on a
 * 2-core machine the benchmark's own watchers take as little CPU from the server under test as possible. Each
 * watcher having its own connection is also what a cluster's watchers look like (every kubelet and proxy connects on
 * its own).
 *
 * <p>Not thread-safe: one thread reads a watch.
 */
final class ChunkedWatch implements Closeable {
    /** Receives each event line (without the newline); {@code buf[off, off+len)} is only valid during the call. */
    interface LineHandler {
        void line(byte[] buf, int off, int len);
    }

    private final SSLSocket socket;
    private final InputStream in;
    private byte[] line = new byte[4096];
    private int lineLen;

    /** Connects and sends {@code GET path}; throws if the answer is not 200. */
    ChunkedWatch(SSLContext tls, String host, int port, String path) throws IOException {
        socket = (SSLSocket) tls.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(120_000);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nAccept: application/json\r\n"
            + "User-Agent: beluga-bench-watch\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String status = headerLine();
        if (!status.startsWith("HTTP/1.1 200")) throw new IOException("watch answered " + status);
        boolean chunked = false;
        for (String h; !(h = headerLine()).isEmpty(); )
            if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18) && h.toLowerCase().contains("chunked")) chunked = true;
        if (!chunked) throw new IOException("watch response is not chunked");
    }

    /** Reads events until the server ends the response, the handler throws, or the socket is closed. */
    void read(LineHandler handler) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int size = Integer.parseInt(headerLine().split(";", 2)[0].trim(), 16);
            if (size == 0) return;
            int left = size;
            while (left > 0) {
                int n = in.read(buf, 0, Math.min(buf.length, left));
                if (n < 0) throw new IOException("connection closed inside a chunk");
                left -= n;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        handler.line(line, 0, lineLen);
                        lineLen = 0;
                    } else {
                        if (lineLen == line.length) line = java.util.Arrays.copyOf(line, line.length * 2);
                        line[lineLen++] = b;
                    }
                }
            }
            headerLine(); // the CRLF after the chunk
        }
    }

    private String headerLine() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.append((char) c);
        }
        if (c < 0 && b.isEmpty()) throw new IOException("connection closed");
        return b.toString();
    }

    /** Finds {@code needle} in {@code buf[off, off+len)}; returns the index after it, or -1. */
    static int after(byte[] buf, int off, int len, byte[] needle) {
        int end = off + len - needle.length;
        outer:
        for (int i = off; i <= end; i++) {
            for (int j = 0; j < needle.length; j++) if (buf[i + j] != needle[j]) continue outer;
            return i + needle.length;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
