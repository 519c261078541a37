package dev.beluga.cli.bench;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET}s over one kept-alive HTTP/1.1 TLS connection whose bodies are read into one reused buffer and counted
 * (bytes, and occurrences of a pattern) as they arrive, never held whole: the client that times a LIST of 10,000 pods
 * (16 MB of JSON) without making its own garbage part of the figure. The JDK's {@code HttpClient} with a String body
 * allocates several times the body per response; on 2 cores shared with the server its collections and copies took
 * more CPU than the server's whole answer (async-profiler, session 16).
 *
 * <p>Reads {@code Content-Length} and chunked bodies. Not thread-safe: one thread uses a connection.
 */
final class CountingGet implements Closeable {
    private static final int BUFFER = 64 * 1024;

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final byte[] buffer = new byte[BUFFER];

    /** What one GET returned. */
    record Response(int status, long bytes, int matches) {
    }

    /** Connects and shakes hands; {@code tls} authenticates the client as the caller's context does. */
    CountingGet(SSLSocketFactory tls, InetSocketAddress address) throws IOException {
        Socket raw = new Socket();
        raw.connect(address, 5000);
        raw.setTcpNoDelay(true);
        socket = (SSLSocket) tls.createSocket(raw, address.getHostString(), address.getPort(), true);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        out = socket.getOutputStream();
        host = address.getHostString() + ":" + address.getPort();
    }

    /** Sends {@code GET path} and reads the whole answer, counting occurrences of {@code pattern} in its body. */
    Response get(String path, byte[] pattern) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\nUser-Agent: beluga-bench-list\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP/1.1 answer: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        for (String header; !(header = line()).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon <= 0) continue;
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("transfer-encoding") && value.equalsIgnoreCase("chunked")) chunked = true;
        }
        PatternCounter counter = new PatternCounter(pattern);
        long bytes = 0;
        if (chunked) {
            for (long size; (size = Long.parseLong(chunkSize(line()), 16)) > 0; ) {
                read(size, counter);
                bytes += size;
                line(); // the CRLF after the chunk
            }
            while (!line().isEmpty()) {
                // trailers
            }
        } else if (length >= 0) {
            read(length, counter);
            bytes = length;
        } else {
            throw new IOException("an answer without a length on a kept-alive connection");
        }
        return new Response(status, bytes, counter.matches());
    }

    private void read(long n, PatternCounter counter) throws IOException {
        while (n > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (r < 0) throw new IOException("connection closed with " + n + " bytes of the body left");
            counter.scan(buffer, r);
            n -= r;
        }
    }

    private static String chunkSize(String line) {
        int semicolon = line.indexOf(';');
        return (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
    }

    private String line() throws IOException {
        return ReadinessProbe.line(in);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Counts the occurrences of a byte pattern (overlapping ones too) in data given in pieces (Knuth-Morris-Pratt). */
    static final class PatternCounter {
        private final byte[] pattern;
        private final int[] fallback;
        private int matched;
        private int matches;

        PatternCounter(byte[] pattern) {
            if (pattern.length == 0) throw new IllegalArgumentException("an empty pattern");
            this.pattern = pattern;
            fallback = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) k = fallback[k - 1];
                if (pattern[i] == pattern[k]) k++;
                fallback[i] = k;
            }
        }

        void scan(byte[] data, int length) {
            for (int i = 0; i < length; i++) {
                byte b = data[i];
                while (matched > 0 && b != pattern[matched]) matched = fallback[matched - 1];
                if (b == pattern[matched]) matched++;
                if (matched == pattern.length) {
                    matches++;
                    matched = fallback[matched - 1];
                }
            }
        }

        int matches() {
            return matches;
        }
    }
}
