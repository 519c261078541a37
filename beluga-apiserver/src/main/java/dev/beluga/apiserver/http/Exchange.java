package dev.beluga.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.beluga.apiserver.Json;
import dev.beluga.apiserver.StatusException;
import dev.beluga.apiserver.auth.UserInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its response, as the API handlers see it: method, path, query parameters, headers, a size-
 * limited body, and blocking writes (handlers run on virtual threads).
 */
public final class Exchange {
    /** Upstream's request body limit: 3 MiB. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Map<String, List<String>> query;
    private final List<String> warnings = new ArrayList<>();
    private UserInfo user;
    private OutputStream out;
    private int status = 200;
    private boolean upgraded;
    private boolean sent;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.query = parseQuery(request.getHttpURI().getQuery());
    }

    public String method() {
        return request.getMethod();
    }

    public String path() {
        return request.getHttpURI().getDecodedPath();
    }

    public Request request() {
        return request;
    }

    public Response response() {
        return response;
    }

    public Callback callback() {
        return callback;
    }

    public String header(String name) {
        return request.getHeaders().get(name);
    }

    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    public List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    public boolean queryFlag(String name) {
        String v = query(name);
        return v != null && (v.equals("true") || v.equals("1") || v.isEmpty() && query.containsKey(name));
    }

    public UserInfo user() {
        return user;
    }

    void user(UserInfo u) {
        this.user = u;
    }

    public int status() {
        return status;
    }

    public void warn(String text) {
        warnings.add(text);
    }

    /** The request body, refusing more than {@link #MAX_BODY_BYTES} with 413. */
    public byte[] body() {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] data = in.readNBytes(MAX_BODY_BYTES + 1);
            if (data.length > MAX_BODY_BYTES)
                throw StatusException.tooLarge("the request body is larger than the limit of " + MAX_BODY_BYTES + " bytes");
            return data;
        } catch (IOException e) {
            throw StatusException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of the request body (at most {@link #MAX_BODY_BYTES}), so that an HTTP/1.1
     * connection refused early (401, 403) stays usable for the client's next request; never throws.
     */
    public void discardBody() {
        try (InputStream in = Content.Source.asInputStream(request)) {
            in.readNBytes(MAX_BODY_BYTES);
        } catch (IOException | RuntimeException ignored) {
            // the connection is closed instead
        }
    }

    public String contentType() {
        String ct = header("Content-Type");
        if (ct == null) return "application/json";
        int semi = ct.indexOf(';');
        return (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** Starts the response: status and content type; further bytes go to {@link #output()}. */
    public void start(int code, String contentType) {
        status = code;
        response.setStatus(code);
        if (contentType != null) response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        for (String w : warnings)
            response.getHeaders().add("Warning", "299 - \"" + w.replace("\"", "\\\"") + "\"");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, private");
    }

    public OutputStream output() {
        if (sent) throw new IllegalStateException("response already sent");
        if (out == null) out = Content.Sink.asOutputStream(response);
        return out;
    }

    /** Writes a whole JSON response. */
    public void sendJson(int code, JsonNode body) {
        send(code, "application/json", Json.bytes(body));
    }

    /**
     * Writes a whole response in one last write, so that headers, body and end of stream leave in one flush (one
     * HTTP/2 frame batch, one TLS record) instead of three.
     */
    public void send(int code, String contentType, byte[] body) {
        start(code, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        org.eclipse.jetty.util.FutureCallback done = new org.eclipse.jetty.util.FutureCallback();
        response.write(true, java.nio.ByteBuffer.wrap(body), done);
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.UncheckedIOException(new IOException("interrupted"));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new java.io.UncheckedIOException(new IOException(e.getCause()));
        }
        sent = true;
    }

    /** The connection was handed to a WebSocket: the upgrade completes the request, not {@link #finish()}. */
    void upgraded() {
        upgraded = true;
        status = 101;
    }

    void finish() {
        if (upgraded) return;
        try {
            if (out != null) out.close();
            callback.succeeded();
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    private static Map<String, List<String>> parseQuery(String q) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (q == null || q.isEmpty()) return m;
        for (String part : q.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }
}
