package dev.beluga.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and header fields of an HTTP/1.1 response, read byte by byte from a connection so that nothing
 * after the blank line is consumed: after a {@code 101} those bytes already belong to the upgraded protocol.
 * Immutable.
 *
 * <p>Used by both hops of an upgraded request: the API server's kubelet proxy and the kubelet API.
 *
 * @param status  the status code
 * @param headers the header fields in their order, names as sent
 */
public record ResponseHead(int status, List<Map.Entry<String, String>> headers) {
    /** The most a head may take (Go's http.Transport allows 10 MB; kubelets and runtimes send a few hundred bytes). */
    public static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The most of an error body that is read and relayed. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    public ResponseHead {
        headers = List.copyOf(headers);
    }

    /**
     * Reads a head up to and including its blank line.
     *
     * @throws IOException the connection ended first, the head is malformed or longer than {@link #MAX_HEAD_BYTES}
     */
    public static ResponseHead read(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException(lines.isEmpty() && line.size() == 0 ? "EOF" : "unexpected EOF");
            if (++total > MAX_HEAD_BYTES) throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
            line.reset();
            if (text.isEmpty()) break;
            lines.add(text);
        }
        String[] statusLine = lines.getFirst().split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("[0-9]{3}"))
            throw new IOException("malformed HTTP response " + quote(lines.getFirst()));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String h : lines.subList(1, lines.size())) {
            int colon = h.indexOf(':');
            if (colon <= 0) throw new IOException("malformed MIME header line: " + h);
            headers.add(Map.entry(h.substring(0, colon).trim(), h.substring(colon + 1).trim()));
        }
        return new ResponseHead(Integer.parseInt(statusLine[1]), headers);
    }

    /** The first value of a header field (case-insensitive name), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers) if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
        return null;
    }

    /**
     * Reads the body that follows this head (an error answer): {@code Content-Length} bytes, chunked, or up to the end
     * of the connection; at most {@link #MAX_BODY_BYTES}, the rest is left unread.
     */
    public byte[] readBody(InputStream in) throws IOException {
        String te = header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) return readChunked(in);
        String cl = header("Content-Length");
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length " + quote(cl));
            }
            return in.readNBytes((int) Math.min(n, MAX_BODY_BYTES));
        }
        return in.readNBytes(MAX_BODY_BYTES);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (body.size() < MAX_BODY_BYTES) {
            String sizeLine = readLine(in);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size " + quote(sizeLine));
            }
            if (size == 0) break;
            body.write(in.readNBytes(Math.min(size, MAX_BODY_BYTES - body.size())));
            readLine(in);
        }
        return body.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) throw new EOFException("unexpected EOF");
            if (line.size() > 4096) throw new IOException("line too long");
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Go's {@code %q} for printable text (quotes and backslashes escaped), for messages. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
