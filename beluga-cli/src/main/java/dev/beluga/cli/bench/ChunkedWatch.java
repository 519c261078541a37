package dev.beluga.cli.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
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
    /** Bytes read from the socket: {@code buf[pos, lim)} not yet consumed. */
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    /** A line that spans two reads is gathered here. */
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
        in = socket.getInputStream();
        String status = headerLine();
        if (!status.startsWith("HTTP/1.1 200")) throw new IOException("watch answered " + status);
        boolean chunked = false;
        for (String h; !(h = headerLine()).isEmpty(); )
            if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18) && h.toLowerCase().contains("chunked")) chunked = true;
        if (!chunked) throw new IOException("watch response is not chunked");
    }

    /**
     * Reads events until the server ends the response, the handler throws, or the socket is closed. Lines that lie
     * whole in what one socket read returned are handed over in place, without a copy.
     */
    void read(LineHandler handler) throws IOException {
        while (true) {
            int left = chunkSize();
            if (left == 0) return;
            while (left > 0) {
                if (pos == lim) fill();
                int end = Math.min(lim, pos + left);
                left -= end - pos;
                while (pos < end) {
                    int nl = pos;
                    while (nl < end && buf[nl] != '\n') nl++;
                    if (nl == end) { // the line goes on in the next read or chunk
                        append(pos, end - pos);
                        pos = end;
                    } else if (lineLen == 0) {
                        handler.line(buf, pos, nl - pos);
                        pos = nl + 1;
                    } else {
                        append(pos, nl - pos);
                        handler.line(line, 0, lineLen);
                        lineLen = 0;
                        pos = nl + 1;
                    }
                }
            }
            if (readByte() == '\r') readByte(); // the CRLF after the chunk
        }
    }

    private void append(int from, int n) {
        if (lineLen + n > line.length) line = java.util.Arrays.copyOf(line, Math.max(lineLen + n, line.length * 2));
        System.arraycopy(buf, from, line, lineLen, n);
        lineLen += n;
    }

    /** The size line of the next chunk (hex, extensions ignored). */
    private int chunkSize() throws IOException {
        int size = 0;
        int c;
        while ((c = readByte()) != '\n') {
            int d = Character.digit(c, 16);
            if (d >= 0) size = size * 16 + d;
            else if (c == ';') {
                while (readByte() != '\n') ; // a chunk extension
                break;
            } else if (c != '\r' && c != ' ') throw new IOException("bad chunk size byte " + c);
        }
        return size;
    }

    private int readByte() throws IOException {
        if (pos == lim) fill();
        return buf[pos++] & 0xff;
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) throw new IOException("connection closed");
        pos = 0;
        lim = n;
    }

    private String headerLine() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = readByte()) != '\n') if (c != '\r') b.append((char) c);
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
