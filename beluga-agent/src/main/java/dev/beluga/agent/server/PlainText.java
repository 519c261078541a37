package dev.beluga.agent.server;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import dev.beluga.http.Futures;
import org.eclipse.jetty.util.FutureCallback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Whole responses (mostly plain text), written blocking (the kubelet answers errors as text, as go-restful does). */
final class PlainText {
    static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private PlainText() {
    }

    /** Writes {@code text} with {@code status} as the complete response; blocks until written. */
    static void send(Response response, int status, String text) throws IOException {
        send(response, status, text, CONTENT_TYPE);
    }

    /** Writes {@code text} as {@code contentType} with {@code status} as the complete response; blocks until written. */
    static void send(Response response, int status, String text, String contentType) throws IOException {
        send(response, status, text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    /** Writes {@code body} as {@code contentType} with {@code status} as the complete response; blocks until written. */
    static void send(Response response, int status, byte[] body, String contentType) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        FutureCallback done = new FutureCallback();
        response.write(true, ByteBuffer.wrap(body), done);
        Futures.await(done);
    }
}
